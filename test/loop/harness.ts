// A loop under test: real BAML runtime → scripted model server, a real SQLite store, and tools given by the test.
import type { AgentDefinition, StepModel, Tool } from '../../src/core/agent.js';
import type { NewEvent, ThreadEvent } from '../../src/core/events.js';
import { defaultGuardLimits, type GuardLimits } from '../../src/core/guards.js';
import { sequentialIds, systemClock, type ThreadId } from '../../src/core/ids.js';
import type { JsonObject } from '../../src/core/json.js';
import { runLoop, type LoopResult } from '../../src/core/loop.js';
import type { Thread } from '../../src/core/thread.js';
import { parseStep } from '../../src/agents/linear-assistant/steps.js';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import { openStore } from '../../src/store/open-store.js';
import type { AppendResult, ThreadStore } from '../../src/store/thread-store.js';
import type { StubLlm } from '../support/stub-llm.js';
import { linearIntentsForEveryAgent } from '../support/human-intents.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';

export interface ToolCall {
  intent: string;
  args: JsonObject;
  idempotencyKey: string;
}

export interface Harness {
  store: ThreadStore;
  calls: ToolCall[];
  start(text: string): Promise<ThreadId>;
  run(id: ThreadId, signal?: AbortSignal): Promise<LoopResult>;
  thread(id: ThreadId): Promise<Thread>;
  append(id: ThreadId, events: NewEvent[]): Promise<void>;
  close(): Promise<void>;
}

export type ToolImpl = (args: JsonObject) => Promise<unknown>;

export interface HarnessOptions {
  limits?: GuardLimits;
  approvalIntents?: string[];
  maxRetries?: number;
  toolTimeoutMs?: number;
}

/** The agent under test: the Linear Assistant's step parser and render options, with the test's tools. */
export function harnessAgent(tools: Record<string, ToolImpl & { mutates?: boolean }>, calls: ToolCall[], options: HarnessOptions = {}): AgentDefinition {
  const agentTools: Record<string, Tool> = Object.fromEntries(
    Object.entries(tools).map(([intent, impl]) => [
      intent,
      {
        mutates: impl.mutates ?? (intent.startsWith('create') || intent.startsWith('update')),
        run: async (args: JsonObject, ctx: { idempotencyKey: string }) => {
          calls.push({ intent, args, idempotencyKey: ctx.idempotencyKey });
          return (await impl(args)) as never;
        },
      } satisfies Tool,
    ]),
  );
  return {
    name: 'linear-assistant',
    humanIntents: linearAssistantIntents,
    parseStep,
    tools: agentTools,
    approvalFor: (step) =>
      options.approvalIntents?.includes(step.intent) ? { policy: 'test_policy', summary: `${step.intent} ${JSON.stringify(step.args)}` } : undefined,
    toToolError: (error) => ({ kind: 'tool_error', message: error instanceof Error ? error.message : String(error), retryable: false }),
    render: { resultTags: { create_issue: 'issue_create_result' } },
  };
}

/** The real BAML client of the Linear Assistant, pointed at the stub model, retrying without waiting. */
export function harnessModel(llm: StubLlm, options: HarnessOptions = {}): StepModel {
  return linearAssistantModel(
    { provider: 'openai-compatible', model: 'stub', baseUrl: llm.baseUrl, apiKey: 'test', timeoutMs: 10_000, maxRetries: options.maxRetries ?? 2 },
    { sleep: async () => {}, random: () => 0 },
  );
}

export async function loopHarness(
  llm: StubLlm,
  tools: Record<string, ToolImpl & { mutates?: boolean }>,
  options: HarnessOptions = {},
): Promise<Harness> {
  const store = await openStore({ databaseUrl: ':memory:', humanIntents: linearIntentsForEveryAgent });
  const ids = sequentialIds();
  const calls: ToolCall[] = [];
  const agent = harnessAgent(tools, calls, options);
  const model = harnessModel(llm, options);
  const limits = options.limits ?? defaultGuardLimits;
  const load = async (id: ThreadId): Promise<Thread> => {
    const t = await store.load(id);
    if (!t) throw new Error(`no thread ${id}`);
    return t;
  };
  return {
    store,
    calls,
    async start(text) {
      const id = ids.threadId();
      await store.create({ id, agent: 'linear-assistant', events: [{ id: ids.eventId(), at: new Date().toISOString(), type: 'message_received', data: { channel: 'test', from: 'alex@company.com', text } }] });
      return id;
    },
    run: (id, signal) =>
      runLoop(
        { load: () => load(id), append: async (events, expectedSeq) => appended(await store.append(id, events, { expectedSeq })) },
        { agent, model, limits, ids, clock: systemClock, ...(options.toolTimeoutMs ? { toolTimeoutMs: options.toolTimeoutMs } : {}), ...(signal ? { signal } : {}) },
      ),
    thread: load,
    append: async (id, events) => void (await store.append(id, events, { expectedSeq: 'any' })),
    close: () => store.close(),
  };
}

function appended(result: AppendResult): readonly ThreadEvent[] {
  if (result.duplicate) throw new Error('an append without deliveries was taken for a duplicate');
  return result.events;
}

/** The lines of baml_src/linear_assistant.baml around the rendered thread. */
export const THREAD_HEAD = 'The thread so far:';
export const THREAD_TAIL = 'The next step?';

/** The thread part of a recorded prompt: what the renderer produced for that step. */
export function threadPart(prompt: string): string {
  const start = prompt.indexOf(THREAD_HEAD);
  const end = prompt.lastIndexOf(THREAD_TAIL);
  return prompt.slice(start, end).trim();
}
