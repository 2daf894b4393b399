// Events a worker would append, written by hand: no model is needed to test the channel.
import type { NewEvent } from '../../../src/core/events.js';
import type { CallId, Clock, IdSource, ThreadId } from '../../../src/core/ids.js';
import type { JsonObject } from '../../../src/core/json.js';
import type { ThreadStore } from '../../../src/store/thread-store.js';

interface Deps {
  store: ThreadStore;
  ids: IdSource;
  clock: Clock;
}

function base(deps: Deps) {
  return { id: deps.ids.eventId(), at: deps.clock.now().toISOString() };
}

export async function appendEvents(deps: Deps, threadId: ThreadId, events: NewEvent[]): Promise<void> {
  await deps.store.append(threadId, events, { expectedSeq: 'any' });
}

export function decided(deps: Deps, intent: string, args: JsonObject, callId: CallId = deps.ids.callId()): NewEvent {
  return { ...base(deps), type: 'step_decided', data: { callId, intent, args, idempotencyKey: `key-${callId}`, origin: 'model' } };
}

export async function askQuestion(deps: Deps, threadId: ThreadId, message: string): Promise<void> {
  await appendEvents(deps, threadId, [decided(deps, 'request_more_information', { message })]);
}

/** A tool step that needs approval, and the request for it: the thread is then awaiting_approval. */
export async function requestApproval(deps: Deps, threadId: ThreadId, summary: string): Promise<CallId> {
  const callId = deps.ids.callId();
  await appendEvents(deps, threadId, [
    decided(deps, 'create_issue', { title: 'CSV export drops rows', team: 'Platform' }, callId),
    { ...base(deps), type: 'approval_requested', data: { callId, intent: 'create_issue', summary, policy: 'writes_need_approval' } },
  ]);
  return callId;
}
