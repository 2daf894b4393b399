// given(events).when(command).then(events): reducer tests without I/O. The decider gets the state the events
// fold to, as the loop passes it, and every given thread's state is checked against the old scans first.
import { expect } from 'vitest';
import type { AgentDefinition, Step, StepParse } from '../../src/core/agent.js';
import { decide, type Command } from '../../src/core/decider.js';
import type { EventDataByType, EventType } from '../../src/core/events.js';
import { defaultGuardLimits, type GuardLimits } from '../../src/core/guards.js';
import { sequentialIds } from '../../src/core/ids.js';
import { isJsonObject } from '../../src/core/json.js';
import { foldState } from '../../src/core/state.js';
import type { HumanIntents } from '../../src/core/thread.js';
import { T0, thread } from './fixtures.js';
import { oracleView, stateView } from './state-views.js';

type Init = { type: EventType; data: EventDataByType[EventType] };

function parseStep(value: unknown): StepParse {
  if (!isJsonObject(value) || typeof value.intent !== 'string') return { ok: false, reason: 'missing intent' };
  const { intent, ...args } = value;
  return { ok: true, step: { intent, args } };
}

/** The test agent asks, asks for a yes or no, and finishes with the intents the seed's assistant uses. */
export const testIntents = {
  ask: ['request_more_information', 'request_approval'],
  done: ['done_for_now'],
  approval: ['request_approval'],
} as const satisfies HumanIntents;

export const testAgent: AgentDefinition = {
  name: 'test-agent',
  humanIntents: testIntents,
  parseStep,
  tools: {
    list_teams: { mutates: false, run: async () => ({ teams: [] }) },
    create_issue: { mutates: true, run: async () => ({ id: 'issue-1' }) },
    update_issue: { mutates: true, run: async () => ({ ok: true }) },
  },
  approvalFor: (step: Step) =>
    step.intent === 'update_issue' ? { policy: 'close_or_reassign', summary: `update ${JSON.stringify(step.args)}` } : undefined,
  toToolError: (error) => ({ kind: 'internal', message: String(error), retryable: false }),
};

export function given(...inits: Init[]) {
  return {
    when(command: Command, limits: GuardLimits = defaultGuardLimits) {
      const t = thread(...inits);
      const state = foldState(t.events, testAgent.humanIntents);
      expect(stateView(state, t.events)).toEqual(oracleView(t.events, testAgent.humanIntents));
      const ids = sequentialIds();
      const run = () => decide({ thread: t, state }, command, { agent: testAgent, limits, ids, clock: { now: () => new Date(T0) } });
      return {
        then(...expected: Array<{ type: EventType; data?: Record<string, unknown> }>) {
          const events = run();
          expect(events.map((e) => e.type)).toEqual(expected.map((e) => e.type));
          expected.forEach((e, i) => {
            if (e.data !== undefined) expect(events[i]?.data).toMatchObject(e.data);
          });
          return events;
        },
        thenThrows(code: string) {
          expect(run).toThrow(expect.objectContaining({ code }));
        },
      };
    },
  };
}
