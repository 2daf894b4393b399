// A second agent with its own human intents, run through the real loop and the real SQLite store: the cached and the
// derived status follow ITS intents, a decision answers ITS yes-or-no question, and its tool gets typed arguments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linearAssistantIntents } from '../../../src/agents/linear-assistant/human-intents.js';
import type { AgentDefinition, StepModel } from '../../../src/core/agent.js';
import type { NewEvent } from '../../../src/core/events.js';
import { defaultGuardLimits } from '../../../src/core/guards.js';
import { decideHumanInput, type HumanInput } from '../../../src/core/human-input.js';
import { sequentialIds, systemClock, type CallId, type ThreadId } from '../../../src/core/ids.js';
import { runLoop, type LoopResult } from '../../../src/core/loop.js';
import { foldState } from '../../../src/core/state.js';
import { deriveStatus, type HumanIntents, type Thread } from '../../../src/core/thread.js';
import { openStore } from '../../../src/store/open-store.js';
import type { ThreadStore } from '../../../src/store/thread-store.js';
import { TRIAGE_AGENT, triageAgent, triageIntents } from './triage-agent.js';

/** The model boundary as the core sees it, answering from a script (the BAML client knows only the assistant's union). */
function scripted(steps: unknown[]): StepModel {
  return async () => {
    const value = steps.shift();
    if (value === undefined) throw new Error('the model was asked for more steps than the test scripted');
    return { kind: 'step', value, usage: { model: 'script', inputTokens: null, outputTokens: null, latencyMs: 0, raw: JSON.stringify(value) } };
  };
}

let dir: string;
let store: ThreadStore;
let received: Array<{ query: string }>;
let agent: AgentDefinition;
const ids = sequentialIds();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hardway-second-agent-'));
  received = [];
  agent = triageAgent(received);
  // As the composition root wires it: the registry's intents for each agent it runs.
  const registry = new Map<string, HumanIntents>([[TRIAGE_AGENT, agent.humanIntents]]);
  store = await openStore({ databaseUrl: join(dir, 'store.sqlite'), ids, humanIntents: (name) => registry.get(name) });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (): string => systemClock.now().toISOString();

async function start(...more: NewEvent[]): Promise<ThreadId> {
  const id = ids.threadId();
  const message: NewEvent = { id: ids.eventId(), at: at(), type: 'message_received', data: { channel: 'test', from: 'sam@company.com', text: 'The printer on 3 is jammed' } };
  await store.create({ id, agent: TRIAGE_AGENT, events: [message, ...more] });
  return id;
}

async function load(id: ThreadId): Promise<Thread> {
  const thread = await store.load(id);
  if (thread === undefined) throw new Error(`no thread ${id}`);
  return thread;
}

function run(id: ThreadId, steps: unknown[]): Promise<LoopResult> {
  return runLoop(
    {
      load: () => load(id),
      append: async (events, expectedSeq) => {
        const result = await store.append(id, events, { expectedSeq });
        if (result.duplicate) throw new Error('an append without deliveries was taken for a duplicate');
        return result.events;
      },
    },
    { agent, model: scripted(steps), limits: defaultGuardLimits, ids, clock: systemClock },
  );
}

/** The status three ways: the store's cache, derived from the events with the agent's intents, and folded. */
async function statuses(id: ThreadId) {
  const [summary] = (await store.list({ id, limit: 1 })).threads;
  const { events } = await load(id);
  return { cached: summary?.status, derived: deriveStatus(events, triageIntents), folded: foldState(events, triageIntents).status };
}

async function respond(id: ThreadId, input: HumanInput) {
  const thread = await load(id);
  const decision = decideHumanInput(thread, { type: 'human_input', from: { channel: 'test', id: 'sam@company.com' }, input }, { agent, ids, clock: systemClock });
  await store.append(id, decision.events, { expectedSeq: thread.events.length });
  return decision;
}

describe('a second agent with its own human intents', () => {
  it("pauses, resumes and finishes on its own intents: the cached status in SQLite and the derived one follow them", async () => {
    const id = await start();
    expect(await run(id, [{ intent: 'lookup', query: '  printer 3  ' }, { intent: 'ask_human', question: 'Which tray?' }])).toMatchObject({ outcome: 'paused', status: 'awaiting_human' });
    expect(await statuses(id)).toEqual({ cached: 'awaiting_human', derived: 'awaiting_human', folded: 'awaiting_human' });
    // The Linear Assistant's intents would read the same events as a thread ready for its next step.
    expect(deriveStatus((await load(id)).events, linearAssistantIntents)).toBe('ready');
    expect(foldState((await load(id)).events, triageIntents).pendingNotifications.map((e) => e.type)).toEqual(['step_decided']);

    expect((await respond(id, { kind: 'answer', text: 'Tray 2' })).meaning).toBe('answer');
    expect(await statuses(id)).toEqual({ cached: 'ready', derived: 'ready', folded: 'ready' });

    expect(await run(id, [{ intent: 'finished', summary: 'Cleared tray 2' }])).toMatchObject({ outcome: 'paused', status: 'done' });
    expect(await statuses(id)).toEqual({ cached: 'done', derived: 'done', folded: 'done' });
    expect(received).toEqual([{ query: 'printer 3' }]);
  });

  it('a decision answers its own yes-or-no intent as an approval, and not the Linear Assistant\'s', async () => {
    const id = await start();
    expect(await run(id, [{ intent: 'confirm', question: 'Order a new drum?' }])).toMatchObject({ outcome: 'paused', status: 'awaiting_human' });
    const approved = await respond(id, { kind: 'decision', approve: true });
    expect({ meaning: approved.meaning, types: approved.events.map((e) => e.type) }).toEqual({ meaning: 'approved', types: ['approval_granted'] });
    expect(await statuses(id)).toEqual({ cached: 'ready', derived: 'ready', folded: 'ready' });

    // Asking in words with an intent that is not among its approval intents, an emailed "approve" is words.
    expect(await run(id, [{ intent: 'ask_human', question: 'Shall I also order toner?' }])).toMatchObject({ outcome: 'paused', status: 'awaiting_human' });
    await expect(respond(id, { kind: 'decision', approve: true })).rejects.toMatchObject({ code: 'invalid_state' });
    const words = await respond(id, { kind: 'decision', approve: true, text: 'approve' });
    expect({ meaning: words.meaning, types: words.events.map((e) => e.type) }).toEqual({ meaning: 'message', types: ['human_replied'] });
  });

  it('a call pending in the log re-runs with its stored arguments parsed by the agent first: the tool gets them typed and clean', async () => {
    // Stored by an earlier process that stopped before running it: arguments as data, untrimmed.
    const callId = ids.callId();
    const id = await start({
      id: ids.eventId(),
      at: at(),
      type: 'step_decided',
      data: { callId, intent: 'lookup', args: { query: '  scanner  ' }, idempotencyKey: `x/${callId}`, origin: 'model' },
    });
    expect(await run(id, [{ intent: 'finished', summary: 'Scanner found' }])).toMatchObject({ outcome: 'paused', status: 'done' });
    expect(received).toEqual([{ query: 'scanner' }]);
    const succeeded = (await load(id)).events.find((e) => e.type === 'tool_succeeded');
    expect(succeeded?.data).toMatchObject({ callId, result: { found: 'SCANNER-1' } });
  });

  it('stored arguments its parser refuses fail the call as invalid input without running the tool', async () => {
    const callId: CallId = ids.callId();
    const id = await start({
      id: ids.eventId(),
      at: at(),
      type: 'step_decided',
      data: { callId, intent: 'lookup', args: { query: '   ' }, idempotencyKey: `x/${callId}`, origin: 'model' },
    });
    expect(await run(id, [{ intent: 'finished', summary: 'Nothing to look up' }])).toMatchObject({ outcome: 'paused', status: 'done' });
    expect(received).toEqual([]);
    const failed = (await load(id)).events.find((e) => e.type === 'tool_failed');
    expect(failed?.data).toMatchObject({ callId, intent: 'lookup', error: { kind: 'invalid_input', retryable: false } });
  });
});
