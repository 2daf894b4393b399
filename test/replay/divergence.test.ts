// The step-by-step comparison of a replay with its original: pure, from the steps alone.
import { describe, expect, it } from 'vitest';
import { compareSteps, stepsAfter, type TakenStep } from '../../src/replay/divergence.js';
import type { ThreadEvent } from '../../src/core/events.js';

const step = (seq: number, intent: string | null, args: TakenStep['args'] = {}): TakenStep => ({ seq, intent, args });

describe('compareSteps', () => {
  it('same intent and arguments is the same step, whatever the order of keys', () => {
    expect(compareSteps([step(5, 'search_issues', { query: 'x', limit: 5 })], [step(5, 'search_issues', { limit: 5, query: 'x' })]).map((s) => s.verdict)).toEqual(['same']);
  });

  it('names different arguments, a different intent, and which side ended first', () => {
    const original = [step(5, 'create_issue', { issue: { title: 'a' } }), step(7, 'done_for_now', { message: 'ok' }), step(8, 'list_teams')];
    const replay = [step(5, 'create_issue', { issue: { title: 'b' } }), step(7, 'request_more_information', { message: '?' })];
    expect(compareSteps(original, replay).map((s) => [s.step, s.verdict])).toEqual([
      [1, 'different_args'],
      [2, 'different_intent'],
      [3, 'replay_ended'],
    ]);
    expect(compareSteps(replay.slice(0, 1), original.slice(0, 2)).at(-1)?.verdict).toBe('original_ended');
  });
});

describe('stepsAfter', () => {
  it('counts the model’s steps and rejected answers after the seq, never code’s prefetch steps', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const events = [
      { id: 'evt_1', seq: 1, type: 'message_received', at, data: { channel: 'api', text: 'hi' } },
      { id: 'evt_2', seq: 2, type: 'step_decided', at, data: { callId: 'call_1', intent: 'list_teams', args: {}, idempotencyKey: 'k1', origin: 'prefetch' } },
      { id: 'evt_3', seq: 3, type: 'step_decided', at, data: { callId: 'call_2', intent: 'search_issues', args: { query: 'a' }, idempotencyKey: 'k2', origin: 'model' } },
      { id: 'evt_4', seq: 4, type: 'step_rejected', at, data: { reason: 'not json', raw: '…' } },
    ] as ThreadEvent[];
    expect(stepsAfter(events, 1)).toEqual([step(3, 'search_issues', { query: 'a' }), step(4, null, 'not json')]);
    expect(stepsAfter(events, 3)).toEqual([step(4, null, 'not json')]);
  });
});
