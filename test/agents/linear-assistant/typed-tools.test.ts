// The Linear Assistant's definition is typed over its step union: each tool receives its own step's arguments,
// checked by the compiler (expectTypeOf, run by `npm run typecheck`) and at run time through the real loop.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createLinearAssistant } from '../../../src/agents/linear-assistant/agent.js';
import type { LinearStep, StepArgs } from '../../../src/agents/linear-assistant/steps.js';
import { linearTools, type LinearTools } from '../../../src/agents/linear-assistant/tools.js';
import type { AgentDefinition, ArgsOf, StepParse, Tool, ToolContext } from '../../../src/core/agent.js';
import type { Json } from '../../../src/core/json.js';
import { defaultGuardLimits } from '../../../src/core/guards.js';
import { sequentialIds, systemClock, type ThreadId } from '../../../src/core/ids.js';
import { runLoop } from '../../../src/core/loop.js';
import type { ThreadEvent } from '../../../src/core/events.js';
import type { Thread } from '../../../src/core/thread.js';
import { testWorkspace } from '../../support/workspace.js';
import type { TriageStep } from '../second-agent/triage-agent.js';

describe('typed tool arguments', () => {
  it('each Linear tool receives its own step arguments, and parseStep returns the typed union (types)', () => {
    expectTypeOf<Parameters<LinearTools['create_issue']['run']>[0]>().toEqualTypeOf<StepArgs<'create_issue'>>();
    expectTypeOf<Parameters<LinearTools['create_issue']['run']>[0]['issue']['title']>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<LinearTools['update_issue']['run']>[0]['issue_ids']>().toEqualTypeOf<string[]>();
    expectTypeOf<Parameters<LinearTools['add_comment']['run']>[0]>().toEqualTypeOf<{ issue_id: string; body: string }>();
    expectTypeOf<Parameters<LinearTools['get_issue']['run']>[0]>().not.toEqualTypeOf<{ issue_id: string; body: string }>();
    expectTypeOf<ReturnType<typeof createLinearAssistant>['parseStep']>().returns.toEqualTypeOf<StepParse<LinearStep>>();
    expectTypeOf<Extract<LinearStep, { intent: 'get_issue' }>['args']>().toEqualTypeOf<{ issue_id: string }>();
    // The human intents have no tool.
    expectTypeOf<keyof LinearTools>().toEqualTypeOf<
      | 'list_teams'
      | 'list_users'
      | 'list_workflow_states'
      | 'list_labels'
      | 'search_issues'
      | 'get_issue'
      | 'get_issue_comments'
      | 'create_issue'
      | 'update_issue'
      | 'add_comment'
    >();
  });

  it('an agent definition types its tools from its own step union, and stays assignable to the erased one (types)', () => {
    expectTypeOf<AgentDefinition<TriageStep>['tools']['lookup']>().toEqualTypeOf<Tool<{ query: string }> | undefined>();
    expectTypeOf<ArgsOf<TriageStep, 'finished'>>().toEqualTypeOf<{ summary: string }>();
    expectTypeOf<AgentDefinition<LinearStep>>().toExtend<AgentDefinition>();
    expectTypeOf<AgentDefinition<TriageStep>>().toExtend<AgentDefinition>();
  });

  it('a Linear tool runs on the arguments parseStep produced: a stored step re-runs through the loop with them', async () => {
    const workspace = await testWorkspace();
    try {
      const ids = sequentialIds();
      const assistant = createLinearAssistant({ linear: workspace, prefetchTtlMs: 0 });
      const callId = ids.callId();
      const at = systemClock.now().toISOString();
      // An untrimmed id, as the log may hold it: the agent's schema trims it before get_issue sees it.
      let thread: Thread = {
        id: 'thr_typed' as ThreadId,
        agent: assistant.name,
        events: [
          { id: ids.eventId(), seq: 1, at, type: 'message_received', data: { channel: 'test', text: 'What is OPS-37 about?' } },
          { id: ids.eventId(), seq: 2, at, type: 'step_decided', data: { callId, intent: 'get_issue', args: { issue_id: '  OPS-37 ' }, idempotencyKey: `thr_typed/${callId}`, origin: 'model' } },
        ],
      };
      const script: unknown[] = [{ intent: 'done_for_now', message: 'It is about the fridges.' }];
      const result = await runLoop(
        {
          load: async () => thread,
          append: async (events) => {
            const stored = events.map((e, i) => ({ ...e, seq: thread.events.length + i + 1 }) as ThreadEvent);
            thread = { ...thread, events: [...thread.events, ...stored] };
            return stored;
          },
        },
        {
          agent: assistant,
          model: async () => ({ kind: 'step', value: script.shift(), usage: { model: 'script', inputTokens: null, outputTokens: null, latencyMs: 0, raw: '' } }),
          limits: defaultGuardLimits,
          ids,
          clock: systemClock,
        },
      );
      expect(result).toMatchObject({ outcome: 'paused', status: 'done' });
      const outcome = thread.events.find((e) => e.data !== null && 'callId' in e.data && e.data.callId === callId && e.type !== 'step_decided');
      expect(outcome).toMatchObject({ type: 'tool_succeeded', data: { intent: 'get_issue', result: { issue: { identifier: 'OPS-37' } } } });

      // And called directly, the typed tool takes the typed arguments as they are.
      const tools = linearTools(workspace, assistant.cache);
      const ctx: ToolContext = { threadId: thread.id, callId, idempotencyKey: 'k', signal: new AbortController().signal };
      const direct: Json = await tools.get_issue.run({ issue_id: 'OPS-37' }, ctx);
      expect(direct).toMatchObject({ issue: { identifier: 'OPS-37' } });
    } finally {
      workspace.close();
    }
  });
});
