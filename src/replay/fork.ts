// A fork's first events: the original's up to a seq, copied as they were (same facts, times and seqs, fresh ids),
// its opening marked with where it came from. Pure: the replay runner stores what this returns.
import { HardwayError } from '../core/errors.js';
import type { EventId, IdSource } from '../core/ids.js';
import type { NewEvent, ThreadEvent } from '../core/events.js';
import { foldState } from '../core/state.js';
import { lastSeq, type HumanIntents, type Thread } from '../core/thread.js';

/** The channel a replay "delivers" to: its report. Nobody is contacted through it. */
export const REPLAY_CHANNEL = 'replay';

export function forkEvents(original: Thread, fromSeq: number, ids: Pick<IdSource, 'eventId'>): NewEvent[] {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1 || fromSeq > lastSeq(original)) {
    throw new HardwayError('invalid_input', `--from must be a seq of ${original.id}, between 1 and ${lastSeq(original)}; got ${fromSeq}`);
  }
  const [opening] = original.events;
  if (opening?.type !== 'message_received') {
    throw new HardwayError('invalid_state', `${original.id} does not open with a message, so it cannot be forked`);
  }
  // `message_sent` names the event it delivered by id: the copy must name the copy.
  const renamed = new Map<EventId, EventId>();
  return original.events
    .filter((e) => e.seq <= fromSeq)
    .map((e): NewEvent => {
      const id = ids.eventId();
      renamed.set(e.id, id);
      if (e.seq === opening.seq) return { ...copy(e, id), data: { ...opening.data, forkedFrom: { threadId: original.id, seq: fromSeq } } } as NewEvent;
      if (e.type === 'message_sent') return { id, type: e.type, at: e.at, data: { ...e.data, inResponseTo: renamed.get(e.data.inResponseTo) ?? e.data.inResponseTo } };
      return copy(e, id);
    });
}

function copy(e: ThreadEvent, id: EventId): NewEvent {
  const { seq: _seq, ...rest } = e;
  return { ...rest, id } as NewEvent;
}

/** Where a thread came from, if it is a fork. */
export function forkOrigin(thread: Thread): { threadId: string; seq: number } | undefined {
  const [opening] = thread.events;
  return opening?.type === 'message_received' ? opening.data.forkedFrom : undefined;
}

/**
 * What a replay records for each event of `thread` that would reach a person (a question, an answer, an approval
 * request, an escalation): delivered to the report and to no one else, so no notifier or sweep ever sends it.
 */
export function heldNotifications(thread: Pick<Thread, 'events'>, humanIntents: HumanIntents, at: string, ids: Pick<IdSource, 'eventId'>): NewEvent[] {
  return foldState(thread.events, humanIntents).pendingNotifications.map(
    (n): NewEvent => ({ id: ids.eventId(), type: 'message_sent', at, data: { channel: REPLAY_CHANNEL, to: [], inResponseTo: n.id } }),
  );
}
