// The unrouted notifier: a notification routed to a channel that is off here is logged once, and what "once"
// remembers is bounded, so a process that runs for months does not grow with every notification it ever logged.
import { describe, expect, it } from 'vitest';
import type { ThreadId } from '../../src/core/ids.js';
import type { Thread } from '../../src/core/thread.js';
import { createUnroutedNotifier } from '../../src/runtime/unrouted-notifier.js';
import { decided, ev, thread } from '../core/fixtures.js';
import { defaultHumanIntents } from '../core/scan-oracle.js';

/** A thread started on Slack whose question is owed to Slack. */
function askedOnSlack(n: number): Thread {
  const events = thread(
    ev('message_received', { channel: 'slack', from: 'U1', text: `request ${n}` }),
    ev('step_decided', decided(1, 'request_more_information', { message: 'Which team?' })),
  ).events.map((e) => ({ ...e, id: `evt_${n}_${e.seq}` as never }));
  return { id: `thr_${n}` as ThreadId, agent: 'linear-assistant', events };
}

function notifier(remember?: number) {
  const warnings: Array<Record<string, unknown>> = [];
  const n = createUnroutedNotifier({
    known: ['slack', 'email'],
    delivering: ['email'],
    routing: {},
    humanIntents: () => defaultHumanIntents,
    logger: { warn: (fields: Record<string, unknown>) => warnings.push(fields) } as never,
    ...(remember === undefined ? {} : { remember }),
  });
  return { n, warnings };
}

describe('unrouted notifications', () => {
  it('logs a notification owed to a channel that is off here once, however often its thread is notified', async () => {
    const { n, warnings } = notifier();
    const t = askedOnSlack(1);
    for (let i = 0; i < 3; i++) await n.notify(t);
    expect(warnings).toEqual([expect.objectContaining({ threadId: 'thr_1', channel: 'slack', type: 'step_decided' })]);
  });

  it('remembers only the newest `remember` ids: the oldest, forgotten, is logged again if still owed', async () => {
    const { n, warnings } = notifier(2);
    const [a, b, c] = [askedOnSlack(1), askedOnSlack(2), askedOnSlack(3)];
    for (const t of [a, b, c]) await n.notify(t);
    expect(warnings.map((w) => w['threadId'])).toEqual(['thr_1', 'thr_2', 'thr_3']);
    // b and c are remembered; a was forgotten when c was logged.
    for (const t of [b, c, a]) await n.notify(t);
    expect(warnings.map((w) => w['threadId'])).toEqual(['thr_1', 'thr_2', 'thr_3', 'thr_1']);
  });
});
