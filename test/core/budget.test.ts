// #11.3: the per-thread context budget. Given a thread's events, when the loop checks its context against the
// budget, then code decides which old resolved results collapse, and the decision renders the same from the log.
import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../src/core/agent.js';
import { compactionFor, TokenMeter, type ContextBudget } from '../../src/core/budget.js';
import type { ContextCompacted, EventDataByType, EventType, ThreadEvent } from '../../src/core/events.js';
import type { EventId } from '../../src/core/ids.js';
import { countTokens } from '../../src/core/render.js';
import { foldState } from '../../src/core/state.js';
import { ContextBuilder, renderContext, withChannels } from './channel-render.js';
import { T0, call, decided, email, ev, thread } from './fixtures.js';
import { testAgent } from './given.js';
import { oracleView, stateView } from './state-views.js';

type Init = { type: EventType; data: EventDataByType[EventType] };

/** Rendering with the channels' hooks, as the `renderContext` of these tests does, so the counts agree. */
const agent: AgentDefinition = {
  ...testAgent,
  tools: { ...testAgent.tools, get_issue: { mutates: false, run: async () => ({}) } },
  render: withChannels(),
};

const description = (n: number) => `Notes for issue ${n}: ` + 'the fridge on floor two needs restocking every Monday morning. '.repeat(12);
const read = (n: number): Init[] => [
  ev('step_decided', decided(n, 'get_issue', { issue_id: `OPS-${n}` })),
  ev('tool_succeeded', { callId: call(n), intent: 'get_issue', result: { issue: { identifier: `OPS-${n}`, title: `Issue ${n}`, description: description(n) } } }),
];
const reply = ev('human_replied', { channel: 'email', message: 'Go on, please.' });
const start = ev('message_received', email('Look at the fridge issues and summarize them.'));

/** The event the loop would append for a compaction, numbered after `events`. */
function recorded(events: readonly ThreadEvent[], data: ContextCompacted): ThreadEvent {
  return { id: `evt_compacted${events.length + 1}` as EventId, seq: events.length + 1, at: T0, type: 'context_compacted', data };
}

function given(...inits: Init[]) {
  const events = thread(...inits).events;
  const prompt = renderContext(events);
  return {
    events,
    tokens: countTokens(prompt),
    when: (budget: ContextBudget, meter?: TokenMeter) => compactionFor(events, prompt, budget, agent, meter),
  };
}


describe('#11.3: a thread over its context budget', () => {
  it('#11.3: collapses the oldest resolved results first, only as many as bring it back to the target, with counts the log can check', () => {
    const g = given(start, ...read(1), ...read(2), ...read(3), ...read(4), ...read(5), ...read(6), reply);
    const budget = { maxTokens: Math.floor(g.tokens * 0.7), targetTokens: Math.floor(g.tokens * 0.5) };
    const compacted = g.when(budget);
    if (compacted === undefined) throw new Error('expected a compaction');
    const resultSeqs = g.events.filter((e) => e.type === 'tool_succeeded').map((e) => e.seq);
    const seqs = compacted.collapsed.map((c) => c.seq);
    // The oldest first, and not all of them: it stops once the target is reached.
    expect(seqs).toEqual(resultSeqs.slice(0, seqs.length));
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(resultSeqs.length);
    expect(compacted.collapsed[0]?.line).toBe('get_issue_result collapsed: call get_issue with issue_id OPS-1 to see it again');
    expect(compacted.budgetTokens).toBe(budget.maxTokens);
    expect(compacted.tokensBefore).toBe(g.tokens);
    const after = renderContext([...g.events, recorded(g.events, compacted)]);
    expect(compacted.tokensAfter).toBe(countTokens(after));
    expect(compacted.tokensAfter).toBeLessThanOrEqual(budget.targetTokens);
    expect(after).toContain('<get_issue_result>\n    get_issue_result collapsed: call get_issue with issue_id OPS-1 to see it again\n</get_issue_result>');
    expect(after).not.toContain('Notes for issue 1:');
    expect(after).toContain('Notes for issue 6:');
  });

  it('#11.3: the compacted thread renders the same from its events alone, incrementally and in full, and appends as a prefix again after', () => {
    const g = given(start, ...read(1), ...read(2), ...read(3), reply, ...read(4));
    const compacted = g.when({ maxTokens: Math.floor(g.tokens * 0.8) });
    if (compacted === undefined) throw new Error('expected a compaction');
    // What the store gives back: the events as JSON, read again.
    const stored: ThreadEvent[] = JSON.parse(JSON.stringify([...g.events, recorded(g.events, compacted)]));
    const next: ThreadEvent = { id: 'evt_next' as EventId, seq: stored.length + 1, at: T0, type: 'step_decided', data: decided(9, 'list_teams') };
    const builder = new ContextBuilder();
    const grown: ThreadEvent[] = [];
    const texts: string[] = [];
    for (const e of [...stored, next]) {
      grown.push(e);
      texts.push(builder.render(grown));
      expect(texts.at(-1)).toBe(renderContext(grown));
    }
    const [beforeCompaction, compactedText, afterNext] = texts.slice(-3) as [string, string, string];
    expect(compactedText.startsWith(beforeCompaction)).toBe(false);
    expect(afterNext.startsWith(compactedText)).toBe(true);
    expect(compactedText).toContain('get_issue_result collapsed: call get_issue with issue_id OPS-1 to see it again');
  });

  it('#11.3: never collapses a result since the last human input, nor an error no later success resolved', () => {
    const createFailed = ev('tool_failed', { callId: call(20), intent: 'create_issue', error: { kind: 'invalid_input', message: 'teamId must be a UUID. '.repeat(20), retryable: false } });
    const teamsFailed = ev('tool_failed', { callId: call(21), intent: 'list_teams', error: { kind: 'timeout', message: 'no answer within 100 ms. '.repeat(20), retryable: true } });
    const teamsSucceeded = ev('tool_succeeded', { callId: call(22), intent: 'list_teams', result: { teams: [{ id: 'team-1', name: 'Operations', key: 'OPS' }] } });
    const g = given(
      start,
      ...read(1),
      ev('step_decided', decided(20, 'create_issue', { title: 'x' })),
      createFailed,
      ev('step_decided', decided(21, 'list_teams')),
      teamsFailed,
      ev('step_decided', decided(22, 'list_teams')),
      teamsSucceeded,
      reply,
      ...read(2),
    );
    // A budget nothing could meet: everything that may collapse does.
    const compacted = g.when({ maxTokens: 10 });
    if (compacted === undefined) throw new Error('expected a compaction');
    const bySeq = new Map(g.events.map((e) => [e.seq, e]));
    const collapsed = compacted.collapsed.map((c) => bySeq.get(c.seq));
    expect(collapsed.map((e) => e?.type === 'tool_succeeded' || e?.type === 'tool_failed' ? `${e.type} ${e.data.intent}` : e?.type)).toEqual([
      'tool_succeeded get_issue',
      'tool_failed list_teams',
      'tool_succeeded list_teams',
    ]);
    expect(compacted.collapsed[1]?.line).toBe('error running list_teams (resolved later): timeout');
    const after = renderContext([...g.events, recorded(g.events, compacted)]);
    expect(after).toContain('teamId must be a UUID.');
    expect(after).toContain('Notes for issue 2:');
    expect(after).not.toContain('Notes for issue 1:');
    // Checked again over the budget, the compacted thread has nothing more to give: no second event.
    const again = thread(...g.events, recorded(g.events, compacted)).events;
    expect(compactionFor(again, renderContext(again), { maxTokens: 10 }, agent)).toBeUndefined();
  });

  it('#11.3: a change is never named as something to do again; a read is named by its call', () => {
    const g = given(
      start,
      ev('step_decided', decided(1, 'create_issue', { title: 'Restock' })),
      ev('tool_succeeded', { callId: call(1), intent: 'create_issue', result: { id: 'issue-1', body: 'created. '.repeat(40) } }),
      reply,
    );
    const compacted = g.when({ maxTokens: 10 });
    expect(compacted?.collapsed.map((c) => c.line)).toEqual(['create_issue_result collapsed: the create_issue call succeeded; do not make it again']);
  });

  it('#11.3: the agent names how to fetch its results again; its line is recorded as it said it', () => {
    const events = thread(start, ...read(1), reply).events;
    const named: AgentDefinition = { ...agent, collapsedResult: (result, step) => `${result.data.intent} of ${String(step?.data.args.issue_id)}:\n  fetch it again` };
    const compacted = compactionFor(events, renderContext(events), { maxTokens: 10 }, named);
    expect(compacted?.collapsed).toEqual([{ seq: 3, line: 'get_issue of OPS-1: fetch it again' }]);
  });

  it('#11.3: a compaction leaves the thread’s status and guards as they were', () => {
    const g = given(start, ...read(1), ...read(2), reply);
    const compacted = g.when({ maxTokens: 10 });
    if (compacted === undefined) throw new Error('expected a compaction');
    const withEvent = [...g.events, recorded(g.events, compacted)];
    const before = foldState(g.events, agent.humanIntents);
    const after = foldState(withEvent, agent.humanIntents);
    expect(after.status).toBe(before.status);
    expect(after.guards).toEqual(before.guards);
    expect(after.pendingNotifications).toEqual(before.pendingNotifications);
    expect(stateView(after, withEvent)).toEqual(oracleView(withEvent, agent.humanIntents));
  });
});

describe('#11.3: a thread below its budget', () => {
  it('#11.3: records nothing at or below the budget', () => {
    const g = given(start, ...read(1), ...read(2), reply);
    expect(g.when({ maxTokens: g.tokens })).toBeUndefined();
    expect(g.when({ maxTokens: g.tokens - 1 })).toBeDefined();
  });

  it('#11.3: a context far below the budget is not tokenized at all (the byte bound decides)', () => {
    let counted = 0;
    const meter = new (class extends TokenMeter {
      override count(text: string): number {
        counted++;
        return super.count(text);
      }
    })();
    const g = given(start, ...read(1), reply);
    expect(g.when({ maxTokens: 100_000 }, meter)).toBeUndefined();
    expect(counted).toBe(0);
    // Close to it, the running count is consulted (and only then).
    expect(g.when({ maxTokens: Math.floor(g.tokens * 1.05) }, meter)).toBeUndefined();
    expect(counted).toBe(1);
  });

  it('#11.3: without a human input yet, nothing collapses, whatever the size', () => {
    const g = given(start, ...read(1), ...read(2));
    expect(g.when({ maxTokens: 10 })).toBeUndefined();
  });
});

describe('#11.3: the running token count', () => {
  it('#11.3: counts a growing context by its additions, and starts over when it is rewritten', () => {
    const meter = new TokenMeter();
    const a = renderContext(thread(start, ...read(1)).events);
    const b = renderContext(thread(start, ...read(1), reply).events);
    expect(meter.count(a)).toBe(countTokens(a));
    expect(Math.abs(meter.count(b) - countTokens(b))).toBeLessThanOrEqual(1);
    expect(meter.count('something else')).toBe(countTokens('something else'));
  });
});

describe('#11.3: a long thread under a budget, step by step as the loop runs it', () => {
  /** One model step's events, by a fixed pattern: reads, failures resolved and not, a human now and then. */
  function stepEvents(step: number): Init[] {
    if (step % 11 === 0) return [ev('human_replied', { channel: 'email', message: `about step ${step}` })];
    if (step % 7 === 0) {
      const intent = step % 2 === 0 ? 'create_issue' : 'list_teams';
      return [
        ev('step_decided', decided(step, intent, { title: `t${step}` })),
        ev('tool_failed', { callId: call(step), intent, error: { kind: 'invalid_input', message: `bad input at ${step}. `.repeat(8), retryable: false } }),
      ];
    }
    if (step % 5 === 0) return [ev('step_decided', decided(step, 'list_teams')), ev('tool_succeeded', { callId: call(step), intent: 'list_teams', result: { teams: [{ id: `team-${step}`, name: 'Operations' }] } })];
    return read(step);
  }

  it('#11.3: compacts more than once; the incremental context equals the full render after every append, and changes its prefix only where a compaction or a human did', () => {
    const budget = { maxTokens: 2_500 };
    const events: ThreadEvent[] = [];
    const builder = new ContextBuilder(agent.render);
    const meter = new TokenMeter();
    let previous = '';
    let compactions = 0;
    const append = (inits: Init[]) => {
      for (const init of inits) events.push({ ...init, id: `evt_l${events.length + 1}` as EventId, seq: events.length + 1, at: T0 } as ThreadEvent);
      const text = builder.render(events);
      expect(text).toBe(renderContext(events));
      if (!text.startsWith(previous)) expect(inits.some((i) => i.type === 'context_compacted' || i.type === 'human_replied')).toBe(true);
      previous = text;
      return text;
    };
    append([start]);
    for (let step = 1; step <= 120; step++) {
      const prompt = builder.render(events);
      const compacted = compactionFor(events, prompt, budget, agent, meter);
      if (compacted !== undefined) {
        compactions++;
        const text = append([{ type: 'context_compacted', data: compacted }]);
        expect(countTokens(text)).toBe(compacted.tokensAfter);
        expect(compacted.tokensBefore).toBeGreaterThan(budget.maxTokens);
      }
      append(stepEvents(step));
    }
    expect(compactions).toBeGreaterThan(2);
    // No result is collapsed twice, and none after the human input that followed it.
    const all = events.flatMap((e) => (e.type === 'context_compacted' ? e.data.collapsed.map((c) => c.seq) : []));
    expect(new Set(all).size).toBe(all.length);
  });
});
