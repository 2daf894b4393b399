// #11.1: how the Linear Assistant's tool results reach the model. Real results from the local workspace port
// (seeded), run through the assistant's own tools and rendered with its own render options: the context keeps what
// its steps use, drops what they never do, caps a long search with a count and the offset that pages on (which
// the tool honours), and repeats a listed team or user id as its key or email. The stored events stay whole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinearAssistant } from '../../../src/agents/linear-assistant/agent.js';
import { linearAssistantRender, SEARCH_PAGE } from '../../../src/agents/linear-assistant/result-views.js';
import type { ToolContext } from '../../../src/core/agent.js';
import type { ThreadEvent } from '../../../src/core/events.js';
import type { CallId, EventId } from '../../../src/core/ids.js';
import { isJsonObject, type Json, type JsonObject } from '../../../src/core/json.js';
import { renderContext } from '../../../src/core/render.js';
import type { LocalWorkspace } from '../../../src/linear/local-workspace/local-workspace.js';
import { testWorkspace } from '../../support/workspace.js';

let workspace: LocalWorkspace;
beforeEach(async () => {
  workspace = await testWorkspace();
});
afterEach(() => workspace.close());

const ctx = (n: number): ToolContext => ({ signal: new AbortController().signal, idempotencyKey: `thr_views/call_${n}` }) as ToolContext;

/** Runs each step through the assistant's own tool and returns the thread as the loop would store it. */
async function play(steps: Array<[intent: string, args: JsonObject]>): Promise<ThreadEvent[]> {
  const assistant = createLinearAssistant({ linear: workspace, prefetchTtlMs: 0 });
  const events: ThreadEvent[] = [];
  const at = '2026-12-01T09:00:00.000Z';
  const push = (e: Omit<ThreadEvent, 'id' | 'seq' | 'at'>): void => {
    const seq = events.length + 1;
    events.push({ ...e, id: `evt_${seq}` as EventId, seq, at } as ThreadEvent);
  };
  push({ type: 'message_received', data: { channel: 'test', text: 'Tidy up the Operations issues.' } } as Omit<ThreadEvent, 'id' | 'seq' | 'at'>);
  for (const [n, [intent, args]] of steps.entries()) {
    const callId = `call_${n}` as CallId;
    const parsed = assistant.parseStep({ intent, ...args });
    if (!parsed.ok) throw new Error(parsed.reason);
    push({ type: 'step_decided', data: { callId, intent, args: parsed.step.args as JsonObject, idempotencyKey: `thr_views/${callId}`, origin: 'model' } } as Omit<ThreadEvent, 'id' | 'seq' | 'at'>);
    const tool = assistant.tools[parsed.step.intent as keyof typeof assistant.tools] as { run(a: unknown, c: ToolContext): Promise<Json> };
    push({ type: 'tool_succeeded', data: { callId, intent, result: await tool.run(parsed.step.args, ctx(n)) } } as Omit<ThreadEvent, 'id' | 'seq' | 'at'>);
  }
  return events;
}

const resultOf = (events: ThreadEvent[], n: number): Json => {
  const e = events.filter((x) => x.type === 'tool_succeeded')[n];
  return e?.type === 'tool_succeeded' ? e.data.result : null;
};
const tagBody = (text: string, tag: string, nth = 0): string => text.split(`<${tag}>\n`)[nth + 1]?.split(`\n</${tag}>`)[0] ?? '';

describe('#11.1: the Linear Assistant’s result views', () => {
  it('#11.1: an issue shows identifier, title, state, assignee, team, priority, labels and url — no UUID, timestamps or nested objects — while the event keeps them', async () => {
    const events = await play([['get_issue', { issue_id: 'OPS-37' }]]);
    const stored = resultOf(events, 0);
    const issue = isJsonObject(stored) && isJsonObject(stored.issue) ? stored.issue : {};
    expect(issue).toHaveProperty('updatedAt');
    expect(issue).toHaveProperty('id');
    const body = tagBody(renderContext(events, linearAssistantRender), 'get_issue_result');
    for (const key of ['identifier', 'title', 'state', 'team', 'priority', 'url']) expect(body).toContain(`  ${key}: `);
    expect(body).toContain(`identifier: ${String(issue.identifier)}`);
    expect(body).toContain(`state: ${String(isJsonObject(issue.state) ? issue.state.name : '')}`);
    expect(body).toContain(`team: ${String(isJsonObject(issue.team) ? issue.team.key : '')}`);
    expect(body).not.toContain(String(issue.id));
    expect(body).not.toMatch(/updatedAt|createdAt|__typename|priorityLabel/);
  });

  it(`#11.1: a search longer than ${SEARCH_PAGE} shows ${SEARCH_PAGE} and says how many more and the offset that shows them; that offset pages on`, async () => {
    const team = (await workspace.listTeams())[0];
    if (team === undefined) throw new Error('seed workspace has no team');
    for (let i = 0; i < 15; i++) await workspace.createIssue({ title: `Filler ${i}`, teamId: team.id }, { idempotencyKey: `filler-${i}` });
    const events = await play([
      ['search_issues', { limit: 30 }],
      ['search_issues', { limit: 30, offset: SEARCH_PAGE }],
    ]);
    const all = resultOf(events, 0);
    const found = isJsonObject(all) && Array.isArray(all.issues) ? all.issues : [];
    expect(found.length).toBeGreaterThan(SEARCH_PAGE);
    const text = renderContext(events, linearAssistantRender);
    const first = tagBody(text, 'search_issues_result', 0);
    expect(first.match(/- identifier: /g)).toHaveLength(SEARCH_PAGE);
    expect(first).toContain(`more: ${found.length - SEARCH_PAGE} more not shown; search_issues with offset ${SEARCH_PAGE} shows the next ones`);
    // The next page is what the first left out, in order.
    const ids = (list: Json[]): Json[] => list.map((i) => (isJsonObject(i) ? (i.identifier ?? null) : null));
    const next = resultOf(events, 1);
    expect(ids(isJsonObject(next) && Array.isArray(next.issues) ? next.issues : [])).toEqual(ids(found.slice(SEARCH_PAGE, SEARCH_PAGE + 30)));
  });

  it('#11.1: a later step’s team and user ids render as the key and email the listed results gave them; the stored step keeps the UUIDs', async () => {
    const teams = await workspace.listTeams();
    const ops = teams.find((t) => t.key === 'OPS') ?? teams[0];
    const users = await workspace.listUsers({});
    const user = users[0];
    if (ops === undefined || user === undefined) throw new Error('seed workspace has no team or user');
    const events = await play([
      ['list_teams', {}],
      ['list_users', {}],
      ['search_issues', { team_id: ops.id, assignee_id: user.id }],
    ]);
    const text = renderContext(events, linearAssistantRender);
    expect(tagBody(text, 'search_issues')).toBe(`    team_id: ${ops.key}\n    assignee_id: ${user.email}`);
    // The UUIDs are still in the context, once, where the lists show them.
    expect(tagBody(text, 'list_teams_result')).toContain(`id: ${ops.id}`);
    const step = events.findLast((e) => e.type === 'step_decided');
    expect(step?.type === 'step_decided' && step.data.args).toEqual({ team_id: ops.id, assignee_id: user.id });
  });
});
