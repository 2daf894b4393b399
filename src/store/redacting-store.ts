// A ThreadStore that redacts configured secrets from every event it is given, so nothing stored (and therefore
// nothing the API or the CLI returns from the store) carries an API key a provider echoed back.
import type { Redact } from '../core/redactor.js';
import { redactStrings } from '../core/redactor.js';
import type { NewEvent } from '../core/events.js';
import type { ThreadStore } from './thread-store.js';

export function redactingStore(store: ThreadStore, redact: Redact): ThreadStore {
  const clean = (events: NewEvent[]): NewEvent[] => events.map((e) => redactStrings(e, redact));
  return {
    kind: store.kind,
    create: (input) => store.create({ ...input, events: clean(input.events) }),
    append: (threadId, events, options) => store.append(threadId, clean(events), options),
    load: (threadId) => store.load(threadId),
    eventsAfter: (threadId, seq) => store.eventsAfter(threadId, seq),
    list: (options) => store.list(options),
    // Unredacted: the body is hashed as sent, and it was rendered from events that were redacted when stored.
    stepPrompt: (threadId, seq) => store.stepPrompt(threadId, seq),
    stepPrompts: (threadId) => store.stepPrompts(threadId),
    findDelivery: (delivery) => store.findDelivery(delivery),
    claim: (options) => store.claim(options),
    heartbeat: (lease, leaseMs) => store.heartbeat(lease, leaseMs),
    release: (lease) => store.release(lease),
    rebuildStatusCache: () => store.rebuildStatusCache(),
    close: () => store.close(),
  };
}
