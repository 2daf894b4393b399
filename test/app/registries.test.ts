// Channels and agents are modules the container builds from a list: a channel or an agent it has never heard of,
// listed in place of the registries, is wired whole — mounts, intake, approvers, notifier, sources; definition, model.
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linearAssistant } from '../../src/agents/linear-assistant/module.js';
import { agents as registeredAgents } from '../../src/app/agents.js';
import { channels as registeredChannels } from '../../src/app/channels.js';
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container } from '../../src/app/container.js';
import type { ChannelModule } from '../../src/runtime/channel-module.js';
import type { ThreadId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/support/logger.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';
import { testWorkspace } from '../support/workspace.js';

let llm: StubLlm;
let c: Container | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const env = (more: Record<string, string> = {}) =>
  readConfig({ DATABASE_URL: ':memory:', LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'stub', LLM_MAX_RETRIES: '0', PREFETCH_TTL_MS: '0', ...more });

/** A chat channel in a dozen lines: a webhook in, a recorded notifier out, one approver, a background source. */
function chatChannel() {
  const seen = { notified: [] as ThreadId[], started: 0, stopped: 0, agent: '' };
  const module: ChannelModule = {
    name: 'chat',
    open(context) {
      if (context.env.CHAT_ON !== 'true') return undefined;
      seen.agent = context.agent;
      const app = new Hono().post('/', async (ctx) => {
        const body = (await ctx.req.json()) as { id: string; from: string; text: string; thread?: ThreadId; approve?: boolean };
        const from = { channel: 'chat', id: body.from };
        const delivery = { source: 'chat', id: body.id };
        const outcome =
          body.thread === undefined
            ? await context.intake.receive({ kind: 'start', from, opening: { kind: 'message', text: body.text }, delivery })
            : await context.intake.receive({
                kind: 'input',
                threadId: body.thread,
                from,
                input: body.approve === undefined ? { kind: 'message', text: body.text } : { kind: 'decision', approve: body.approve, text: body.text },
                delivery,
              });
        return ctx.json(outcome);
      });
      return {
        mounts: { '/webhooks/chat': app },
        approvers: { chat: (sender) => sender.id === 'boss' },
        notifier: { notify: async (thread) => void seen.notified.push(thread.id) },
        sources: [{ start: () => void seen.started++, stop: async () => void seen.stopped++ }],
      };
    },
  };
  return { module, seen };
}

const say = async (body: object) => {
  const res = await c!.app.request('/webhooks/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { kind: string; threadId: ThreadId; meaning?: string };
};

describe('registries', () => {
  it('the registries list the email, SMS, Slack, Linear and schedule channels, the Linear Assistant first (the default agent), then the Triage Assistant', () => {
    expect(registeredChannels.map((m) => m.name)).toEqual(['email', 'sms', 'slack', 'linear', 'schedule']);
    expect(registeredAgents.map((m) => m.name)).toEqual(['linear-assistant', 'triage-assistant']);
  });

  it('a listed channel is wired whole: its mount starts threads, its approvers rule, its notifier answers, its sources start and stop', async () => {
    const chat = chatChannel();
    llm.reset();
    c = await createContainer(env({ CHAT_ON: 'true', APPROVAL_INTENTS: 'create_issue' }), { logger: silentLogger, linear: await testWorkspace(), channels: [chat.module] });
    expect([...c.channels.keys()]).toEqual(['chat']);
    expect(chat.seen.agent).toBe('linear-assistant');
    for (const source of c.sources) source.start();
    expect(chat.seen.started).toBe(1);

    const started = await say({ id: 'm1', from: 'intern', text: 'file "Fridge empty" in Operations' });
    expect(started.kind).toBe('started');
    expect((await say({ id: 'm1', from: 'intern', text: 'file "Fridge empty" in Operations' })).kind).toBe('duplicate');
    const teams = await c.linear.listTeams();
    const team = teams[0]!;
    llm.script({ intent: 'create_issue', issue: { title: 'Fridge empty', team_id: team.id } });
    await c.worker.drain();
    expect((await c.store.load(started.threadId))?.events.at(-1)?.type).toBe('approval_requested');
    expect(chat.seen.notified).toContain(started.threadId);

    const intern = await say({ id: 'm2', from: 'intern', thread: started.threadId, text: 'approve', approve: true });
    expect(intern).toMatchObject({ kind: 'recorded', meaning: 'not_an_approver' });
    // Their words reach the model as feedback; it asks again, and only the approver's decision counts.
    llm.script({ intent: 'create_issue', issue: { title: 'Fridge empty', team_id: team.id } });
    await c.worker.drain();
    expect((await c.store.load(started.threadId))?.events.at(-1)?.type).toBe('approval_requested');
    const boss = await say({ id: 'm3', from: 'boss', thread: started.threadId, text: 'approve', approve: true });
    expect(boss).toMatchObject({ kind: 'recorded', meaning: 'approved' });
    llm.script({ intent: 'done_for_now', message: 'Filed.' });
    await c.worker.drain();
    expect((await c.linear.searchIssues({ query: 'Fridge empty' })).map((i) => i.title)).toContain('Fridge empty');
    expect((await c.store.list({ id: started.threadId, limit: 1 })).threads[0]?.status).toBe('done');

    await c.close();
    expect(chat.seen.stopped).toBe(1);
    c = undefined;
  });

  it('a listed channel whose settings do not turn it on contributes nothing', async () => {
    const chat = chatChannel();
    c = await createContainer(env(), { logger: silentLogger, linear: await testWorkspace(), channels: [chat.module] });
    expect(c.channels.size).toBe(0);
    expect(c.sources).toEqual([]);
    expect((await c.app.request('/webhooks/chat', { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('two modules under one name are refused at start, instead of one silently replacing the other', async () => {
    const linear = await testWorkspace();
    await expect(createContainer(env(), { logger: silentLogger, linear, agents: [linearAssistant, linearAssistant] })).rejects.toThrow(/two agents share a name/);
    const chat = chatChannel().module;
    await expect(createContainer(env(), { logger: silentLogger, linear, channels: [chat, chat] })).rejects.toThrow(/two channels share a name/);
    linear.close();
  });

  it('a listed agent runs threads started with its name; the first listed is the default', async () => {
    const second = { ...linearAssistant, name: 'second-agent', definition: (ctx: Parameters<typeof linearAssistant.definition>[0]) => ({ ...linearAssistant.definition(ctx), name: 'second-agent' }) };
    llm.reset();
    c = await createContainer(env(), { logger: silentLogger, linear: await testWorkspace(), agents: [linearAssistant, second] });
    expect([...c.agents.keys()]).toEqual(['linear-assistant', 'second-agent']);
    const named = await c.service.launch({ agent: 'second-agent', message: 'hello' });
    const unnamed = await c.service.launch({ message: 'hello' });
    llm.script({ intent: 'done_for_now', message: 'Hi.' }, { intent: 'done_for_now', message: 'Hi.' });
    await c.worker.drain();
    expect((await c.store.load(named))?.agent).toBe('second-agent');
    expect((await c.store.load(unnamed))?.agent).toBe('linear-assistant');
    expect((await c.store.list({ status: 'done', limit: 10 })).threads.map((t) => t.id).sort()).toEqual([named, unnamed].sort());
  });
});
