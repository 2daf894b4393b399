// The worker's log line at the end of each run says why when the run did not go well: a run that threw carries the
// cause and the error's code (not only the error, whose message the logger's redaction hides), and a run that ended
// with the thread failed or escalated carries the reason (and the guard) from the event that made it so.
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLinearAssistant, LINEAR_ASSISTANT } from '../../src/agents/linear-assistant/agent.js';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import { HardwayError } from '../../src/core/errors.js';
import { defaultGuardLimits } from '../../src/core/guards.js';
import { randomIds, systemClock } from '../../src/core/ids.js';
import type { RegisteredAgent } from '../../src/runtime/agent-module.js';
import { ThreadService } from '../../src/runtime/thread-service.js';
import { Worker } from '../../src/runtime/worker.js';
import { openStore } from '../../src/store/open-store.js';
import type { ThreadStore } from '../../src/store/thread-store.js';
import { createLogger } from '../../src/support/logger.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';

let llm: StubLlm;
const opened: ThreadStore[] = [];
beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  llm.reset();
});

/** The real store, except that it throws the error `refusal` gives on any model step, as a store that cannot take it would. */
function refusingModelSteps(store: ThreadStore, refusal: () => Error | undefined): ThreadStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'append') {
        return (async (threadId, events, options) => {
          const error = events.some((e) => e.type === 'step_decided' && e.data.origin === 'model') ? refusal() : undefined;
          if (error !== undefined) throw error;
          return target.append(threadId, events, options);
        }) satisfies ThreadStore['append'];
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** One thread run by a real worker whose logger is the service's own (pino, redaction on), its lines captured. */
async function runOnce(refusal: () => Error | undefined = () => undefined): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  const inner = await openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent });
  opened.push(inner);
  const store = refusingModelSteps(inner, refusal);
  const definition = createLinearAssistant({ linear: await testWorkspace(), clock: systemClock });
  const model = linearAssistantModel(
    { provider: 'openai-compatible', model: 'stub', baseUrl: llm.baseUrl, apiKey: 'test', timeoutMs: 10_000, maxRetries: 0 },
    { sleep: async () => {}, random: () => 0 },
  );
  const agents = new Map<string, RegisteredAgent>([[LINEAR_ASSISTANT, { definition, model }]]);
  const logger = createLogger({ level: 'info', destination });
  const worker = new Worker({ store, agents, limits: defaultGuardLimits, ids: randomIds, clock: systemClock, logger, owner: 'worker-a', pollMs: 1_000, random: () => 1 });
  const service = new ThreadService({ store, agents, defaultAgent: LINEAR_ASSISTANT, limits: defaultGuardLimits, ids: randomIds, clock: systemClock });
  await service.launch({ message: 'find the fridge issue', from: 'alex@company.com' });
  await worker.drain();
  await worker.stop(0);
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

const line = (logs: Record<string, unknown>[], msg: string) => {
  const found = logs.find((l) => l.msg === msg);
  if (found === undefined) throw new Error(`no "${msg}" line in:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`);
  return found;
};

describe('the worker logs why a run went wrong', () => {
  it('a run that threw: "thread run failed" carries the cause and the error code', async () => {
    llm.script({ intent: 'search_issues', query: 'fridge' });
    const logs = await runOnce(() => new HardwayError('invalid_state', 'the store refused the step\nwith a second line'));
    expect(line(logs, 'thread run failed')).toMatchObject({ level: 50, cause: 'invalid_state: the store refused the step', code: 'invalid_state', retry: false });
  });

  it('a run that threw an error without a code: the cause names the error', async () => {
    llm.script({ intent: 'search_issues', query: 'fridge' });
    const logs = await runOnce(() => new TypeError('cannot read the row'));
    const failed = line(logs, 'thread run failed');
    expect(failed).toMatchObject({ cause: 'TypeError: cannot read the row' });
    expect(failed).not.toHaveProperty('code');
  });

  it('a run that ended with the thread failed (the provider refused the key): "thread run ended" says why', async () => {
    llm.script({ status: 401, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } } });
    const logs = await runOnce();
    const ended = line(logs, 'thread run ended');
    expect(ended).toMatchObject({ outcome: 'paused', status: 'failed' });
    expect(ended.reason).toMatch(/401/);
  });

  it('a run that ended escalated (replies that are no step, again and again): "thread run ended" names the guard and the reason', async () => {
    llm.script(...Array.from({ length: 10 }, () => 'no JSON here at all'));
    const logs = await runOnce();
    const ended = line(logs, 'thread run ended');
    expect(ended).toMatchObject({
      outcome: 'paused',
      status: 'awaiting_human',
      guard: 'consecutive_errors',
      reason: `${defaultGuardLimits.maxConsecutiveErrors} failures in a row (limit ${defaultGuardLimits.maxConsecutiveErrors})`,
    });
  });

  it('a run that ended asking the person a question logs no failure reason', async () => {
    llm.script({ intent: 'request_more_information', message: 'Which fridge?' });
    const logs = await runOnce();
    const ended = line(logs, 'thread run ended');
    expect(ended).toMatchObject({ outcome: 'paused', status: 'awaiting_human' });
    expect(ended).not.toHaveProperty('reason');
    expect(ended).not.toHaveProperty('guard');
  });
});
