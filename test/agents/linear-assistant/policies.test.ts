import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { approvalFor as policyOf, defaultApprovalPolicy, type ApprovalPolicy } from '../../../src/agents/linear-assistant/policies.js';
import { intents, parseStep, type LinearStep } from '../../../src/agents/linear-assistant/steps.js';
import { createEvolve, foldState } from '../../../src/core/state.js';
import type { Thread } from '../../../src/core/thread.js';
import { call, decided, ev, thread } from '../../core/fixtures.js';
import { linearAssistantIntents } from '../../../src/agents/linear-assistant/human-intents.js';

const states = thread(
  ev('step_decided', decided(1, 'list_workflow_states')),
  ev('tool_succeeded', {
    callId: call(1),
    intent: 'list_workflow_states',
    result: {
      states: [
        { id: 'st-todo', name: 'Todo', type: 'unstarted' },
        { id: 'st-done', name: 'Done', type: 'completed' },
        { id: 'st-shipped', name: 'Shipped', type: 'completed' },
        { id: 'st-cancel', name: 'Canceled', type: 'canceled' },
      ],
    },
  }),
  ev('step_decided', decided(2, 'list_users')),
  ev('tool_succeeded', { callId: call(2), intent: 'list_users', result: { users: [{ id: 'u-sarah', name: 'Sarah', email: 's@c' }] } }),
);
const update = (changes: Record<string, unknown>, ids = ['OPS-1']): LinearStep => ({ intent: 'update_issue', args: { issue_ids: ids, changes } as never });
/** The policy as the decider calls it: with the state the thread's events fold to. */
const approvalFor = (policy: ApprovalPolicy) => (step: LinearStep, t: Thread) => policyOf(policy)(step, t, foldState(t.events, linearAssistantIntents));
const needs = approvalFor(defaultApprovalPolicy);

describe('approval policy', () => {
  it('asks before closing or canceling, by id or by name, whatever the state is called', () => {
    expect(needs(update({ state_id: 'st-done' }), states)?.policy).toMatch(/closes/);
    expect(needs(update({ state_id: 'shipped' }), states)?.policy).toMatch(/closes/);
    expect(needs(update({ state_id: 'Canceled' }), states)?.policy).toMatch(/closes/);
  });

  it('does not ask for an ordinary state change it can classify', () => {
    expect(needs(update({ state_id: 'Todo' }), states)).toBeUndefined();
    expect(needs(update({ title: 'Better title' }), states)).toBeUndefined();
  });

  it('fails safe: a state this thread cannot classify needs approval', () => {
    expect(needs(update({ state_id: '7d1e0c1a-0000-4000-8000-000000000000' }), thread())?.policy).toMatch(/not known/);
  });

  it('asks before reassigning, and spells out the operation with names', () => {
    expect(needs(update({ assignee_id: 'u-sarah' }), states)).toEqual({
      policy: 'reassigns an issue',
      summary: 'Update OPS-1: assignee → Sarah (u-sarah)',
    });
  });

  it('asks before a bulk change, and for intents configured to always ask', () => {
    expect(needs(update({ priority: 2 }, ['OPS-1', 'OPS-2']), states)?.policy).toBe('bulk change of 2 issues');
    const cautious = approvalFor({ ...defaultApprovalPolicy, intents: ['create_issue'] });
    expect(cautious({ intent: 'create_issue', args: { issue: { title: 't', team_id: 'OPS' } } }, states)?.policy).toBe('create_issue always needs approval');
    expect(needs({ intent: 'create_issue', args: { issue: { title: 't', team_id: 'OPS' } } }, states)).toBeUndefined();
  });

  it('can be switched off per rule', () => {
    const lax = approvalFor({ intents: [], closing: false, reassign: false, bulk: false });
    expect(lax(update({ state_id: 'st-done', assignee_id: 'u-sarah' }, ['OPS-1', 'OPS-2']), states)).toBeUndefined();
  });

  it('reads the thread’s facts from its state: each tool result is walked once, however many steps ask', () => {
    const policy = policyOf(defaultApprovalPolicy);
    const evolve = createEvolve(linearAssistantIntents);
    const reads = new Map<number, number>();
    // A result whose every property read is counted, so a walk over it shows.
    const counted = (n: number, value: object): object =>
      new Proxy(value, {
        get(target, key, receiver) {
          reads.set(n, (reads.get(n) ?? 0) + 1);
          const v: unknown = Reflect.get(target, key, receiver);
          return typeof v === 'object' && v !== null ? counted(n, v) : v;
        },
        ownKeys: (target) => { reads.set(n, (reads.get(n) ?? 0) + 1); return Reflect.ownKeys(target); },
      });
    let t = thread();
    let state = foldState(t.events, linearAssistantIntents);
    const readsOfFirst: number[] = [];
    for (let n = 0; n < 30; n++) {
      const result = counted(n, { states: [{ id: `st-${n}`, name: n === 0 ? 'Done' : `S${n}`, type: n === 0 ? 'completed' : 'started' }] }) as never;
      t = thread(...t.events.map((e) => ({ type: e.type, data: e.data })), ev('tool_succeeded', { callId: call(n), intent: 'list_workflow_states', result }));
      const last = t.events.at(-1);
      if (last !== undefined) state = evolve(state, last);
      expect(policy(update({ state_id: 'Done' }), t, state)?.policy).toMatch(/closes/);
      readsOfFirst.push(reads.get(0) ?? 0);
    }
    expect(readsOfFirst[0]).toBeGreaterThan(0);
    expect(new Set(readsOfFirst).size).toBe(1);
  });
});

describe('the step union', () => {
  it('has exactly the intents the BAML function declares', () => {
    const baml = readFileSync(new URL('../../../baml_src/linear_assistant.baml', import.meta.url), 'utf8');
    const declared = [...baml.matchAll(/^\s+intent "(\w+)"$/gm)].map((m) => m[1]).sort();
    expect(declared).toEqual([...intents].sort());
  });

  it('validates arguments and drops the nulls BAML fills in', () => {
    expect(parseStep({ intent: 'list_users', team_id: null })).toEqual({ ok: true, step: { intent: 'list_users', args: {} } });
    expect(parseStep({ intent: 'update_issue', issue_ids: [], changes: { title: 'x' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/issue_ids/) });
    expect(parseStep({ intent: 'update_issue', issue_ids: ['OPS-1'], changes: {} })).toMatchObject({ ok: false, reason: expect.stringMatching(/change something/) });
    expect(parseStep({ intent: 'rm_rf' })).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown intent "rm_rf"/) });
    expect(parseStep('list_teams')).toMatchObject({ ok: false });
  });
});
