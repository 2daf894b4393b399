// A stop is a person's input like any other: recorded as `thread_stopped`, the thread is done (the channel that
// carried it says so), a tool that answers after it does not start the thread again, and a new message does.
import { describe, expect, it } from 'vitest';
import { foldState } from '../../src/core/state.js';
import { call, decided, email, ev, thread } from './fixtures.js';
import { given, testIntents as humanIntents } from './given.js';

const start = ev('message_received', email('make an issue for Austin to restock the fridges'));
const stop = { type: 'human_input' as const, from: { channel: 'linear', id: 'user-1' }, input: { kind: 'stop' as const } };
const stopped = ev('thread_stopped', { by: 'user-1', channel: 'linear' });

describe('stop', () => {
  it('records thread_stopped with who stopped it and by which channel', () => {
    given(start).when(stop).then({ type: 'thread_stopped', data: { by: 'user-1', channel: 'linear' } });
  });

  it('leaves the thread done, with the stop owed to the person as a notification', () => {
    const state = foldState(thread(start, stopped).events, humanIntents);
    expect(state.status).toBe('done');
    expect(state.pendingNotifications.map((e) => e.type)).toEqual(['thread_stopped']);
    expect(state.lastHumanInput?.channel).toBe('linear');
  });

  it('stays done when the tool that was running answers after the stop', () => {
    const events = thread(start, ev('step_decided', decided(1, 'list_teams')), stopped, ev('tool_succeeded', { callId: call(1), intent: 'list_teams', result: [] })).events;
    const state = foldState(events, humanIntents);
    expect(state.status).toBe('done');
    expect(state.pendingCall).toBeUndefined();
  });

  it('is ready again when someone writes after the stop', () => {
    const events = thread(start, stopped, ev('human_replied', { channel: 'linear', message: 'go on after all' })).events;
    expect(foldState(events, humanIntents).status).toBe('ready');
  });
});
