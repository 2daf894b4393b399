// The ThreadStore contract: one suite every store must pass, run against SQLite and PostgreSQL through a factory.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, HardwayError, LeaseLostError } from '../../src/core/errors.js';
import type { NewEvent } from '../../src/core/events.js';
import { sequentialIds, type CallId, type Clock, type IdSource, type ThreadId } from '../../src/core/ids.js';
import type { Json, JsonObject } from '../../src/core/json.js';
import { deriveStatus, lastSeq, type DerivedStatus, type HumanIntents } from '../../src/core/thread.js';
import type { Lease, ListOptions, ThreadStore, ThreadSummary } from '../../src/store/thread-store.js';
import type { Traced } from './statement-trace.js';
import { channelTerm, escalatedTerm, queryTerms } from '../../src/core/search-terms.js';
import { linearAssistantIntents } from '../../src/agents/linear-assistant/human-intents.js';
import { emailMessage } from '../../src/channels/email/email-received.js';

export interface HarnessDeps {
  clock: Clock;
  ids: IdSource;
  humanIntents: (agent: string) => HumanIntents | undefined;
}

export interface StoreHarness {
  store: ThreadStore;
  /** Another store on the same database with its own connection(s) or handle, built with the same deps. */
  openSibling(): Promise<ThreadStore>;
  /** Raw SQL against the database, for tampering with the cache. */
  exec(sql: string): Promise<void>;
  /** Raw SQL read from the database, for checking what a store wrote. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Runs `fn` and returns every statement the driver sent meanwhile (from any store on this backend). */
  trace<T>(fn: () => Promise<T>): Promise<Traced<T>>;
  /** Closes every store it opened and throws the database away. */
  cleanup(): Promise<void>;
}

export type OpenHarness = (deps: HarnessDeps) => Promise<StoreHarness>;

class ManualClock implements Clock {
  private ms = Date.parse('2025-03-01T09:00:00.000Z');
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const agent = 'linear-assistant';
function never(): never {
  throw new Error('expected a value');
}
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const customIntents: HumanIntents = { ask: ['ask_manager'], done: ['all_set'] };

export function describeStoreContract(name: string, open: OpenHarness): void {
  describe(`ThreadStore contract: ${name}`, () => {
    let clock: ManualClock;
    let ids: IdSource;
    let h: StoreHarness;
    let store: ThreadStore;

    beforeEach(async () => {
      clock = new ManualClock();
      ids = sequentialIds();
      // As the composition root resolves them from its agent registry; 'unknown-agent' is in no registry.
      const registry = new Map<string, HumanIntents>([[agent, linearAssistantIntents], ['other-agent', linearAssistantIntents], ['custom-agent', customIntents]]);
      h = await open({ clock, ids, humanIntents: (a) => registry.get(a) });
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const at = (): string => clock.now().toISOString();
    const message = (text: string): NewEvent => ({
      id: ids.eventId(),
      type: 'message_received',
      at: at(),
      data: { channel: 'http', from: 'alex@company.com', text },
    });
    const said = (channel: string, from: string, text: string): NewEvent => ({ id: ids.eventId(), type: 'message_received', at: at(), data: { channel, from, text } });
    const reply = (message: string): NewEvent => ({
      id: ids.eventId(),
      type: 'human_replied',
      at: at(),
      data: { channel: 'slack', from: 'U024BE7LH', message },
    });
    const decided = (intent: string, args: JsonObject = {}, callId: CallId = ids.callId()): NewEvent => ({
      id: ids.eventId(),
      type: 'step_decided',
      at: at(),
      data: { callId, intent, args, idempotencyKey: `idem_${callId}`, origin: 'model' },
    });
    const succeeded = (callId: CallId, intent: string, result: Json): NewEvent => ({
      id: ids.eventId(),
      type: 'tool_succeeded',
      at: at(),
      data: { callId, intent, result },
    });

    async function newThread(events: NewEvent[] = [message('Please file a bug for the login page')], agentName = agent) {
      const id = ids.threadId();
      const result = await store.create({ id, agent: agentName, events });
      expect(result.created).toBe(true);
      return id;
    }

    async function summary(id: ThreadId): Promise<ThreadSummary | undefined> {
      return (await listAll({ limit: 200 })).find((t) => t.id === id);
    }

    async function listAll(options: ListOptions): Promise<ThreadSummary[]> {
      const all: ThreadSummary[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.list({ ...options, ...(cursor ? { cursor } : {}) });
        expect(page.threads.length).toBeLessThanOrEqual(options.limit ?? 50);
        all.push(...page.threads);
        cursor = page.nextCursor;
        if (cursor === undefined) return all;
      }
      throw new Error('paging did not end');
    }

    describe('step prompts (#13)', () => {
      // Prompts share long prefixes; the last one cuts inside a surrogate pair (🚀 is two UTF-16 units).
      const base = '{"messages":[{"role":"system","content":"You are the assistant. Prüfung ✅\n<message>fridge</message>';
      const prompts = [`${base}"}]}`, `${base}\n<list_teams_result>OPS</list_teams_result>"}]}`, `${base}\n<list_teams_result>OPS</list_teams_result>\n\uD83D\uDE80 done"}]}`];
      const variant = `${base}\n<list_teams_result>OPS</list_teams_result>\n\uD83D\uDE00 other"}]}`;
      const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

      it('stores each prompt beside its step as a delta on the previous one and rebuilds every one exactly, hash checked', async () => {
        const id = await newThread();
        let seq = 1;
        for (const body of [...prompts, variant]) {
          const step = decided('search_issues', { query: 'fridge' });
          await store.append(id, [step, message('and?')], { expectedSeq: seq, prompts: [{ eventId: step.id, body }] });
          seq += 2;
        }
        const stored = await Promise.all([2, 4, 6, 8].map((s) => store.stepPrompt(id, s)));
        expect(stored.map((p) => p?.body)).toEqual([...prompts, variant]);
        expect(stored.map((p) => p?.sha256)).toEqual([...prompts, variant].map(sha));
        expect(stored.map((p) => p?.previousSeq)).toEqual([undefined, 2, 4, 6]);
        expect(stored[0]?.prefixLength).toBe(0);
        expect(stored[1]?.prefixLength).toBe(base.length);
        expect(stored[2]?.prefixLength).toBe(prompts[1]!.length - 4);
        // 🚀 and 😀 share their first UTF-16 unit; the cut stays before the pair, not inside it.
        expect(stored[3]?.prefixLength).toBe(prompts[2]!.indexOf('\uD83D'));
        expect(await store.stepPrompts(id)).toEqual(stored);
        expect(await store.stepPrompt(id, 3)).toBeUndefined();
        expect(await store.stepPrompt(ids.threadId(), 2)).toBeUndefined();
      });

      it('several prompts in one append are each a delta on the one before, in seq order', async () => {
        const id = await newThread();
        const steps = prompts.map(() => decided('list_teams'));
        await store.append(id, steps, { expectedSeq: 1, prompts: steps.map((s, i) => ({ eventId: s.id, body: prompts[i]! })).reverse() });
        const stored = await Promise.all([2, 3, 4].map((s) => store.stepPrompt(id, s)));
        expect(stored.map((p) => p?.body)).toEqual(prompts);
        expect(stored.map((p) => p?.previousSeq)).toEqual([undefined, 2, 3]);
      });

      it('a prompt commits with its step or not at all: a conflicted append and a prompt for an event not appended store nothing', async () => {
        const id = await newThread();
        const step = decided('list_teams');
        await expect(store.append(id, [step], { expectedSeq: 5, prompts: [{ eventId: step.id, body: prompts[0]! }] })).rejects.toBeInstanceOf(ConcurrencyError);
        const stray = decided('list_teams');
        await expect(store.append(id, [stray], { expectedSeq: 1, prompts: [{ eventId: ids.eventId(), body: prompts[0]! }] })).rejects.toSatisfy((e: unknown) =>
          HardwayError.isInstance(e, 'invalid_input'),
        );
        expect((await store.load(id))?.events).toHaveLength(1);
        await store.append(id, [step], { expectedSeq: 1, prompts: [{ eventId: step.id, body: prompts[1]! }] });
        expect(await store.stepPrompt(id, 2)).toMatchObject({ body: prompts[1], prefixLength: 0 });
      });

      it('a tampered delta fails its hash check on read instead of showing a prompt that was never sent', async () => {
        const id = await newThread();
        const step = decided('list_teams');
        await store.append(id, [step], { expectedSeq: 1, prompts: [{ eventId: step.id, body: prompts[0]! }] });
        await h.exec(`UPDATE step_prompts SET tail = 'tampered' WHERE thread_id = '${id}'`);
        await expect(store.stepPrompt(id, 2)).rejects.toSatisfy((e: unknown) => HardwayError.isInstance(e, 'invalid_state'));
      });

      it('keeps the hash the sender gave (no second hash of the body) and still checks it on read (#15 perf)', async () => {
        const id = await newThread();
        const [given, wrong] = [decided('list_teams'), decided('list_teams')];
        await store.append(id, [given], { expectedSeq: 1, prompts: [{ eventId: given.id, body: prompts[0]!, sha256: sha(prompts[0]!) }] });
        expect(await store.stepPrompt(id, 2)).toMatchObject({ body: prompts[0], sha256: sha(prompts[0]!) });
        // A hash that is not the body's is stored as given, so the read refuses the prompt instead of vouching for it.
        await store.append(id, [wrong], { expectedSeq: 2, prompts: [{ eventId: wrong.id, body: prompts[1]!, sha256: sha('another body') }] });
        await expect(store.stepPrompt(id, 3)).rejects.toSatisfy((e: unknown) => HardwayError.isInstance(e, 'invalid_state'));
        expect(await store.stepPrompt(id, 2)).toMatchObject({ body: prompts[0] });
      });

      it('loading a thread never reads the prompts', async () => {
        const id = await newThread();
        const step = decided('list_teams');
        await store.append(id, [step], { expectedSeq: 1, prompts: [{ eventId: step.id, body: prompts[0]! }] });
        const traced = await h.trace(async () => {
          await store.load(id);
          await store.eventsAfter(id, 0);
        });
        expect(traced.statements.some((s) => /\bevents\b/i.test(s.sql))).toBe(true);
        expect(traced.statements.filter((s) => /step_prompts/i.test(s.sql))).toEqual([]);
      });
    });

    describe('events', () => {
      it('creates a thread and loads every event back exactly, numbered from 1', async () => {
        const callId = ids.callId();
        const events: NewEvent[] = [
          {
            id: ids.eventId(),
            type: 'message_received',
            at: at(),
            data: emailMessage({
              from: { address: 'alex@company.com', name: 'Alex Émile' },
              to: [{ address: 'assistant@company.com' }],
              cc: [],
              subject: 'Re: Prüfung ✅ — “quotes” and \\backslashes\\',
              body: 'Line one\n\tindented "quoted" 🚀',
              fullBody: 'Line one\n\tindented "quoted" 🚀\n\n> earlier message',
              messageId: '<CAF=x+1@mail.company.com>',
              inReplyTo: '<prev@mail.company.com>',
              references: ['<first@mail.company.com>', '<prev@mail.company.com>'],
              previousThread: [{ from: 'sam@company.com', at: '2025-02-28T17:00:00.000Z', body: 'Can you look?' }],
              attachments: [{ filename: 'trace.txt', contentType: 'text/plain', size: 2048 }],
            }),
          },
          {
            id: ids.eventId(),
            type: 'step_decided',
            at: at(),
            data: {
              callId,
              intent: 'create_issue',
              args: { title: 'Login fails', teamId: 'team_1', labelIds: ['bug', 'p1'], priority: 2, estimate: 0.5, parentId: null },
              idempotencyKey: 'idem_1',
              origin: 'model',
              usage: { model: 'gpt-4o-mini', inputTokens: 1234, outputTokens: null, latencyMs: 812, raw: '{"intent":"create_issue"}' },
            },
          },
          succeeded(callId, 'create_issue', {
            issue: { id: 'iss_1', identifier: 'ENG-42', url: 'https://linear.app/x/issue/ENG-42', labels: [{ name: 'bug' }] },
            nested: { deep: [1, 2.5, -3, 9007199254740991, true, false, null, '', []], empty: {} },
          }),
          {
            id: ids.eventId(),
            type: 'tool_failed',
            at: at(),
            data: { callId, intent: 'add_comment', error: { kind: 'rate_limited', message: 'slow down', retryable: true } },
          },
        ];
        const id = ids.threadId();
        const created = await store.create({ id, agent, events });
        const expected = { id, agent, events: events.map((e, i) => ({ ...e, seq: i + 1 })) };
        expect(created).toEqual({ created: true, thread: expected });
        expect(await store.load(id)).toEqual(expected);
        expect(await summary(id)).toEqual({
          id,
          agent,
          status: 'ready',
          lastSeq: 4,
          createdAt: '2025-03-01T09:00:00.000Z',
          updatedAt: '2025-03-01T09:00:00.000Z',
        });
      });

      it('refuses a second thread with the same id', async () => {
        const id = await newThread();
        await expect(store.create({ id, agent, events: [message('again')] })).rejects.toSatisfy((e) =>
          HardwayError.isInstance(e, 'thread_exists'),
        );
        expect((await store.load(id))?.events).toHaveLength(1);
      });

      it('refuses an event id that is already recorded, writing nothing', async () => {
        const first = message('hello');
        const id = await newThread([first]);
        await expect(store.append(id, [reply('new'), { ...first }], { expectedSeq: 1 })).rejects.toSatisfy((e) =>
          HardwayError.isInstance(e, 'invalid_input'),
        );
        await expect(store.create({ id: ids.threadId(), agent, events: [{ ...first }] })).rejects.toSatisfy((e) =>
          HardwayError.isInstance(e, 'invalid_input'),
        );
        expect((await store.load(id))?.events).toHaveLength(1);
        expect((await store.list()).threads).toHaveLength(1);
      });

      it('appends at the expected seq and refuses a stale one without writing anything', async () => {
        const id = await newThread();
        clock.advance(1000);
        const ask = decided('request_more_information', { message: 'Which team?' });
        const appended = await store.append(id, [ask], { expectedSeq: 1 });
        expect(appended).toEqual({ duplicate: false, events: [{ ...ask, seq: 2 }] });

        await expect(store.append(id, [message('stale')], { expectedSeq: 1 })).rejects.toSatisfy(
          (e) => e instanceof ConcurrencyError && e.expectedSeq === 1 && e.actualSeq === 2 && e.retry,
        );
        await expect(store.append(id, [message('ahead')], { expectedSeq: 7 })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.load(id))?.events.map((e) => e.seq)).toEqual([1, 2]);
        expect(await summary(id)).toMatchObject({ status: 'awaiting_human', lastSeq: 2, updatedAt: '2025-03-01T09:00:01.000Z' });

        const any = await store.append(id, [reply('The web team')], { expectedSeq: 'any' });
        expect(any).toMatchObject({ duplicate: false, events: [{ seq: 3, type: 'human_replied' }] });
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 3 });
      });

      it('keeps the status cache equal to the status derived from the events', async () => {
        const id = await newThread();
        const steps: [NewEvent, ThreadSummary['status']][] = [
          [decided('request_more_information', { message: 'Which team?' }), 'awaiting_human'],
          [
            {
              id: ids.eventId(),
              type: 'message_sent',
              at: at(),
              data: { channel: 'email', to: ['alex@company.com'], inResponseTo: ids.eventId() },
            },
            'awaiting_human',
          ],
          [reply('Web'), 'ready'],
          [
            {
              id: ids.eventId(),
              type: 'approval_requested',
              at: at(),
              data: { callId: ids.callId(), intent: 'create_issue', summary: 'Create ENG bug', policy: 'mutations' },
            },
            'awaiting_approval',
          ],
          [{ id: ids.eventId(), type: 'approval_granted', at: at(), data: { by: 'alex@company.com' } }, 'ready'],
          [decided('done_for_now', { message: 'Filed ENG-42' }), 'done'],
          [{ id: ids.eventId(), type: 'thread_failed', at: at(), data: { reason: 'gave up' } }, 'failed'],
        ];
        for (const [event, status] of steps) {
          await store.append(id, [event], { expectedSeq: 'any' });
          expect((await summary(id))?.status).toBe(status);
        }
      });

      it("derives status with the agent's own human intents", async () => {
        const id = await newThread([message('hi'), decided('ask_manager', { question: 'ok?' })], 'custom-agent');
        expect((await summary(id))?.status).toBe('awaiting_human');
        await store.append(id, [decided('all_set')], { expectedSeq: 2 });
        expect((await summary(id))?.status).toBe('done');
      });

      it('create and append return each event exactly as load gives it back (what JSON drops is dropped)', async () => {
        const callId = ids.callId();
        // Types allow what JSON cannot keep: an undefined field, -0, NaN.
        const first: NewEvent = { id: ids.eventId(), type: 'message_received', at: at(), data: { channel: 'http', from: undefined, text: 'hi' } };
        const later: NewEvent[] = [
          decided('search_issues', { query: 'login', page: -0 }, callId),
          succeeded(callId, 'search_issues', { total: Number.NaN, issues: [{ id: 'iss_1', estimate: -0 }] }),
        ];
        const id = ids.threadId();
        const created = await store.create({ id, agent, events: [first] });
        const appended = await store.append(id, later, { expectedSeq: 1 });
        const loaded = await store.load(id);
        expect(created).toStrictEqual({ created: true, thread: { id, agent, events: loaded?.events.slice(0, 1) } });
        expect(appended).toStrictEqual({ duplicate: false, events: loaded?.events.slice(1) });
        expect(loaded?.events[0]?.data).toStrictEqual({ channel: 'http', text: 'hi' });
      });

      it('eventsAfter gives the events after a seq exactly as load does; undefined for an unknown thread', async () => {
        const id = await newThread([message('hello'), decided('request_more_information', { message: 'Which team?' })]);
        await store.append(id, [reply('Web'), decided('done_for_now', { message: 'Filed' })], { expectedSeq: 2 });
        const loaded = (await store.load(id)) ?? never();
        for (const seq of [0, 1, 3, 4, 9]) expect(await store.eventsAfter(id, seq)).toEqual(loaded.events.filter((e) => e.seq > seq));
        const empty = ids.threadId();
        await store.create({ id: empty, agent, events: [] });
        expect(await store.eventsAfter(empty, 0)).toEqual([]);
        expect(await store.eventsAfter(ids.threadId(), 0)).toBeUndefined();
      });

      it('answers thread_not_found for an unknown thread', async () => {
        const ghost = ids.threadId();
        for (const expectedSeq of [0, 'any'] as const) {
          await expect(store.append(ghost, [message('hello?')], { expectedSeq })).rejects.toSatisfy((e) =>
            HardwayError.isInstance(e, 'thread_not_found'),
          );
        }
        expect(await store.load(ghost)).toBeUndefined();
        const lease: Lease = { threadId: ghost, token: ids.claimToken(), owner: 'w1', expiresAt: at() };
        expect(await store.heartbeat(lease, 1000)).toBeUndefined();
        await expect(store.release(lease)).resolves.toBeUndefined();
        expect(await store.findDelivery({ source: 'email', id: '<nope@x>' })).toBeUndefined();
        expect((await store.list()).threads).toEqual([]);
      });
    });

    describe('any JSON string round-trips (#9.4a)', () => {
      // NUL, lone surrogates of both halves, a reversed pair and a real pair: jsonb refuses the first three, and a
      // driver that binds a JS string as UTF-8 turns a lone surrogate into U+FFFD.
      const hostile = ['nul \u0000 inside', '\u0000', 'high \ud800 alone', 'low \udfff alone', 'reversed \udc00\ud83d', 'cut emoji \ud83d', 'pair 😀 ok'];
      const odd = hostile.join(' | ');
      const codeUnits = (s: string): number[] => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
      /** Every string in a value, keys included, in order. */
      const strings = (value: unknown): string[] => {
        if (typeof value === 'string') return [value];
        if (Array.isArray(value)) return value.flatMap(strings);
        if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
        return [];
      };

      async function expectExact(id: ThreadId, written: NewEvent[], from: number): Promise<void> {
        const loaded = (await store.load(id))?.events.slice(from - 1) ?? [];
        expect(loaded).toEqual(written.map((e, i) => ({ ...e, seq: from + i })));
        // toEqual compares strings by code units too; this says so outright, and that nothing became U+FFFD.
        expect(strings(loaded.map((e) => e.data)).map(codeUnits)).toEqual(strings(written.map((e) => e.data)).map(codeUnits));
        expect(JSON.stringify(loaded.map((e) => e.data))).not.toContain('\ufffd');
      }

      it('#9.4a: NUL and lone surrogates in messages (message, email, reply) load back identical', async () => {
        const first: NewEvent[] = [
          message(odd),
          {
            id: ids.eventId(),
            type: 'message_received',
            at: at(),
            data: emailMessage({
              from: { address: 'alex@company.com', name: 'Alex \ud800' },
              to: [{ address: 'assistant@company.com' }],
              cc: [],
              subject: `Re: ${odd}`,
              body: odd,
              fullBody: `${odd}\n> \u0000`,
              messageId: '<nul@mail.company.com>',
              references: [],
              previousThread: [{ from: 'sam@company.com', body: '\udfff\u0000' }],
              attachments: [{ filename: 'a\u0000.txt', contentType: 'text/plain', size: 1 }],
            }),
          },
        ];
        const id = ids.threadId();
        const created = await store.create({ id, agent, events: first });
        expect(created).toEqual({ created: true, thread: { id, agent, events: first.map((e, i) => ({ ...e, seq: i + 1 })) } });
        await expectExact(id, first, 1);
        const replies = hostile.map((text) => reply(text));
        await store.append(id, replies, { expectedSeq: 2 });
        await expectExact(id, replies, 3);
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 2 + hostile.length });
      });

      it('#9.4a: NUL and lone surrogates in steps (args, keys, usage.raw, rejected raw) load back identical', async () => {
        const id = await newThread();
        const callId = ids.callId();
        const step: NewEvent = {
          id: ids.eventId(),
          type: 'step_decided',
          at: at(),
          data: {
            callId,
            intent: 'create_issue',
            args: { title: odd, 'key \u0000 \ud800': hostile, nested: { deep: [{ v: '\udc00' }] } },
            idempotencyKey: `idem_${callId}`,
            origin: 'model',
            usage: { model: 'gpt-4o-mini', inputTokens: 1, outputTokens: 2, latencyMs: 3, raw: `{"title":"${odd}"}` },
          },
        };
        const rejected: NewEvent = {
          id: ids.eventId(),
          type: 'step_rejected',
          at: at(),
          data: { reason: 'bad \u0000', raw: odd, usage: { model: 'm', inputTokens: null, outputTokens: null, latencyMs: 0, raw: odd } },
        };
        await store.append(id, [rejected], { expectedSeq: 1 });
        await store.append(id, [step], { expectedSeq: 2 });
        await expectExact(id, [rejected, step], 2);
      });

      it('#9.4a: NUL and lone surrogates in tool results and errors load back identical', async () => {
        const id = await newThread();
        const callId = ids.callId();
        const events: NewEvent[] = [
          decided('get_issue', { id: 'ENG-1' }, callId),
          succeeded(callId, 'get_issue', { issue: { title: odd, description: hostile, [`k${'\u0000'}`]: { '\ud800': null } } }),
          {
            id: ids.eventId(),
            type: 'tool_failed',
            at: at(),
            data: { callId, intent: 'add_comment', error: { kind: 'invalid_input', message: odd, retryable: false } },
          },
        ];
        await store.append(id, events, { expectedSeq: 'any' });
        await expectExact(id, events, 2);
        // The thread stays an ordinary thread: listed, claimed and released like any other.
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 4 });
        const [lease] = await store.claim({ owner: 'w1', leaseMs: 1000, limit: 10 });
        expect(lease?.threadId).toBe(id);
        if (lease) await store.release(lease);
      });

      it('#9.4a: delivery ids with NUL or lone surrogates are recorded, found, and kept apart', async () => {
        const id = await newThread();
        // Each pair would be one key if a lone surrogate became U+FFFD; the last names the escape marker itself.
        const odd = ['<a\u0000b@x>', '<\ud800@x>', '<\udbff@x>', '<\udfff@x>', '<\ufffd@x>', '\u0001json:"<\ud800@x>"'];
        for (const [i, deliveryId] of odd.entries()) {
          const delivery = { source: 'email', id: deliveryId };
          expect(await store.findDelivery(delivery)).toBeUndefined();
          expect(await store.append(id, [reply(`r${i}`)], { expectedSeq: 'any', deliveries: [delivery] })).toMatchObject({ duplicate: false });
          expect(await store.findDelivery(delivery)).toBe(id);
          expect(await store.append(id, [reply(`r${i}`)], { expectedSeq: 'any', deliveries: [delivery] })).toEqual({ duplicate: true, threadId: id });
        }
        expect((await store.load(id))?.events).toHaveLength(1 + odd.length);
        const created = await store.create({ id: ids.threadId(), agent, events: [message('again')], delivery: { source: 'email', id: odd[0] ?? '' } });
        expect(created).toEqual({ created: false, duplicateOf: id });
      });
    });

    describe('concurrent writers', () => {
      const writers = 8;
      const appendsPerWriter = 10;

      it.each([
        ['one shared store', false],
        ['8 separate store instances', true],
      ])('8 writers on one thread through %s lose nothing and keep seq unbroken', async (_label, separate) => {
        const id = await newThread();
        const stores = separate ? await Promise.all(range(writers).map(() => h.openSibling())) : range(writers).map(() => store);
        const conflicts = await Promise.all(
          stores.map(async (s, w) => {
            let lost = 0;
            for (const i of range(appendsPerWriter)) {
              const callId = ids.callId();
              const pair = [decided('search_issues', { writer: w, i }, callId), succeeded(callId, 'search_issues', { writer: w, i })];
              for (let attempt = 0; ; attempt++) {
                if (attempt > 500) throw new Error(`writer ${w} starved`);
                const thread = await s.load(id);
                if (thread === undefined) throw new Error('thread vanished');
                try {
                  await s.append(id, pair, { expectedSeq: lastSeq(thread) });
                  break;
                } catch (error) {
                  if (!(error instanceof ConcurrencyError)) throw error;
                  lost++;
                }
              }
            }
            return lost;
          }),
        );
        const events = (await store.load(id))?.events ?? [];
        const total = 1 + writers * appendsPerWriter * 2;
        expect(events.map((e) => e.seq)).toEqual(range(total).map((i) => i + 1));
        // Each append's two events stay adjacent, and every (writer, i) landed exactly once, in each writer's order.
        const landed = events.slice(1).flatMap((e, i) => {
          if (e.type !== 'step_decided') return [];
          const next = events[i + 2];
          expect(next?.type === 'tool_succeeded' && next.data.callId === e.data.callId).toBe(true);
          return [`${String(e.data.args.writer)}/${String(e.data.args.i)}`];
        });
        expect(landed.toSorted()).toEqual(range(writers).flatMap((w) => range(appendsPerWriter).map((i) => `${w}/${i}`)).toSorted());
        for (const w of range(writers)) {
          const mine = landed.filter((k) => k.startsWith(`${w}/`));
          expect(mine).toEqual(range(appendsPerWriter).map((i) => `${w}/${i}`));
        }
        expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(await summary(id)).toMatchObject({ lastSeq: total, status: 'ready' });
      });
    });

    describe('appends at any seq (#9.10)', () => {
      it('#9.10: 50 concurrent appends at any seq through several store instances all land once, seqs unbroken', async () => {
        const id = await newThread();
        const stores = [store, ...(await Promise.all(range(3).map(() => h.openSibling())))];
        const delivery = (i: number) => ({ source: 'email', id: `<reply-${i}@mail.company.com>` });
        const appended = await Promise.all(
          range(50).map((i) => (stores[i % stores.length] ?? store).append(id, [reply(`reply ${i}`)], { expectedSeq: 'any', deliveries: [delivery(i)] })),
        );
        expect(appended.every((r) => !r.duplicate)).toBe(true);
        // The same deliveries again, also at once: every one is a no-op.
        const again = await Promise.all(
          range(50).map((i) => (stores[(i + 1) % stores.length] ?? store).append(id, [reply(`reply ${i}`)], { expectedSeq: 'any', deliveries: [delivery(i)] })),
        );
        expect(again).toEqual(range(50).map(() => ({ duplicate: true, threadId: id })));
        const events = (await store.load(id))?.events ?? [];
        expect(events.map((e) => e.seq)).toEqual(range(51).map((i) => i + 1));
        const messages = events.flatMap((e) => (e.type === 'human_replied' ? [e.data.message] : []));
        expect(messages.toSorted()).toEqual(range(50).map((i) => `reply ${i}`).toSorted());
        for (const i of range(50)) expect(await store.findDelivery(delivery(i))).toBe(id);
        expect(await summary(id)).toMatchObject({ lastSeq: 51, status: 'ready' });
      });
    });

    describe('deliveries', () => {
      it('a redelivered message does not create a second thread', async () => {
        const delivery = { source: 'email', id: '<CAF=abc@mail.company.com>' };
        const first = ids.threadId();
        expect((await store.create({ id: first, agent, events: [message('bug!')], delivery })).created).toBe(true);
        clock.advance(1000);
        const second = ids.threadId();
        expect(await store.create({ id: second, agent, events: [message('bug!')], delivery })).toEqual({
          created: false,
          duplicateOf: first,
        });
        expect(await store.load(second)).toBeUndefined();
        expect((await store.load(first))?.events).toHaveLength(1);
        expect(await store.findDelivery(delivery)).toBe(first);
        expect((await store.list()).threads.map((t) => t.id)).toEqual([first]);
      });

      it('a redelivered reply is appended once, whatever thread or seq it claims', async () => {
        const a = await newThread();
        const b = await newThread();
        const delivery = { source: 'slack', id: 'Ev0PV52K21' };
        expect(await store.append(a, [reply('Web team')], { expectedSeq: 'any', deliveries: [delivery] })).toMatchObject({
          duplicate: false,
        });
        const before = await summary(a);
        clock.advance(5000);
        const again = { duplicate: true, threadId: a };
        expect(await store.append(a, [reply('Web team')], { expectedSeq: 'any', deliveries: [delivery] })).toEqual(again);
        // Idempotency comes before the seq check: a redelivery is never an error.
        expect(await store.append(a, [reply('Web team')], { expectedSeq: 0, deliveries: [delivery] })).toEqual(again);
        expect(await store.append(b, [reply('Web team')], { expectedSeq: 1, deliveries: [delivery] })).toEqual(again);
        expect((await store.load(a))?.events).toHaveLength(2);
        expect((await store.load(b))?.events).toHaveLength(1);
        expect(await summary(a)).toEqual(before);
      });

      it('a delivery named twice in one append is recorded once', async () => {
        const id = await newThread();
        const delivery = { source: 'imap', id: '<twice@mail.company.com>' };
        const result = await store.append(id, [reply('hi')], { expectedSeq: 1, deliveries: [delivery, { ...delivery }] });
        expect(result).toMatchObject({ duplicate: false });
        expect(await store.findDelivery(delivery)).toBe(id);
      });

      it('a delivery whose append failed is not recorded', async () => {
        const id = await newThread();
        const delivery = { source: 'twilio', id: 'SM1234' };
        await expect(store.append(id, [reply('yes')], { expectedSeq: 5, deliveries: [delivery] })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        expect(await store.findDelivery(delivery)).toBeUndefined();
        expect(await store.append(id, [reply('yes')], { expectedSeq: 1, deliveries: [delivery] })).toMatchObject({
          duplicate: false,
        });
      });

      it('the same delivery arriving at several processes at once creates one thread', async () => {
        const delivery = { source: 'postmark', id: 'a8c1a7c2-2c9e-4c5b-9a55-1f0e5c7f1e11' };
        const stores = await Promise.all(range(4).map(() => h.openSibling()));
        const results = await Promise.all(
          stores.map((s) => s.create({ id: ids.threadId(), agent, events: [message('hello')], delivery })),
        );
        const created = results.flatMap((r) => (r.created ? [r.thread.id] : []));
        expect(created).toHaveLength(1);
        for (const r of results) if (!r.created) expect(r.duplicateOf).toBe(created[0]);
        expect((await store.list()).threads.map((t) => t.id)).toEqual(created);
      });
    });

    describe('leases', () => {
      const claim = (owner: string, leaseMs = 10_000, limit = 10, s = store) => s.claim({ owner, leaseMs, limit });

      it('claims ready, unleased threads oldest first and reports them running', async () => {
        const t1 = await newThread();
        clock.advance(1000);
        const t2 = await newThread();
        clock.advance(1000);
        await newThread([message('q'), decided('request_more_information', { message: 'Which team?' })]);
        await newThread([message('q'), decided('done_for_now', { message: 'Done' })]);
        clock.advance(1000);
        expect(await store.claim({ owner: 'w1', leaseMs: 10_000, limit: 0 })).toEqual([]);

        const leases = await claim('w1', 30_000);
        expect(leases.map((l) => l.threadId)).toEqual([t1, t2]);
        expect(leases.every((l) => l.owner === 'w1' && l.expiresAt === '2025-03-01T09:00:33.000Z')).toBe(true);
        expect(new Set(leases.map((l) => l.token)).size).toBe(2);
        expect((await store.list({ status: 'running' })).threads.map((t) => t.id)).toEqual([t2, t1]);
        expect((await store.list({ status: 'ready' })).threads).toEqual([]);
        expect(await claim('w2')).toEqual([]);
        expect((await store.list({ id: t1 })).threads.map((t) => [t.id, t.status])).toEqual([[t1, 'running']]);
        await store.release(leases[0] ?? never());
        expect((await store.list({ id: t1 })).threads.map((t) => [t.id, t.status])).toEqual([[t1, 'ready']]);
      });

      it("a killed worker's lease is taken over after it expires, and the stale worker can no longer write", async () => {
        const id = await newThread();
        const [stale] = await claim('w1', 10_000);
        if (stale === undefined) throw new Error('nothing claimed');
        clock.advance(5000);
        expect(await claim('w2')).toEqual([]);
        clock.advance(5001);
        const [fresh] = await claim('w2');
        expect(fresh).toMatchObject({ threadId: id, owner: 'w2' });
        if (fresh === undefined) throw new Error('nothing claimed');
        expect(fresh.token).not.toBe(stale.token);

        const step = decided('create_issue', { title: 'Login fails' });
        await expect(store.append(id, [step], { expectedSeq: 1, lease: stale })).rejects.toBeInstanceOf(LeaseLostError);
        await expect(store.append(id, [step], { expectedSeq: 1, lease: stale })).rejects.toSatisfy((e) =>
          HardwayError.isInstance(e, 'lease_lost'),
        );
        expect((await store.load(id))?.events).toHaveLength(1);
        expect(await store.heartbeat(stale, 10_000)).toBeUndefined();
        await store.release(stale);
        expect((await summary(id))?.status).toBe('running');
        expect(await claim('w3')).toEqual([]);

        await store.append(id, [step], { expectedSeq: 1, lease: fresh });
        await store.release(fresh);
        expect((await summary(id))?.status).toBe('ready');
      });

      it('an expired lease nobody took over still holds: the token on the row is the lease', async () => {
        const id = await newThread();
        const [lease] = await claim('w1', 1000);
        if (lease === undefined) throw new Error('nothing claimed');
        clock.advance(60_000);
        expect((await summary(id))?.status).toBe('ready');
        await store.append(id, [reply('still mine')], { expectedSeq: 1, lease });
        const renewed = await store.heartbeat(lease, 1000);
        expect(renewed).toEqual({ ...lease, expiresAt: '2025-03-01T09:01:01.000Z' });
        expect((await summary(id))?.status).toBe('running');
      });

      it('heartbeats keep a lease alive well past its first expiry', async () => {
        const id = await newThread();
        let [lease] = await claim('w1', 10_000);
        for (const _ of range(5)) {
          clock.advance(8000);
          if (lease === undefined) throw new Error('lease lost');
          lease = await store.heartbeat(lease, 10_000);
          expect(lease?.expiresAt).toBe(new Date(clock.now().getTime() + 10_000).toISOString());
          expect(await claim('w2')).toEqual([]);
        }
        if (lease === undefined) throw new Error('lease lost');
        await store.append(id, [decided('search_issues', { query: 'login' })], { expectedSeq: 1, lease });
      });

      it('a thread created with a lease is never claimed by another worker; its lease writes, and release hands it back', async () => {
        const id = ids.threadId();
        const result = await store.create({ id, agent, events: [message('fork me')], lease: { owner: 'replay', leaseMs: 10_000 } });
        const lease = result.created ? result.lease : undefined;
        expect(lease).toMatchObject({ threadId: id, owner: 'replay', expiresAt: '2025-03-01T09:00:10.000Z' });
        if (lease === undefined) throw new Error('no lease');
        expect((await store.list({ id })).threads.map((t) => t.status)).toEqual(['running']);
        expect(await claim('w1')).toEqual([]);
        await store.append(id, [decided('search_issues', { query: 'login' })], { expectedSeq: 1, lease });
        await store.release(lease);
        expect((await claim('w1')).map((l) => l.threadId)).toEqual([id]);
      });

      it('release hands the thread back at once', async () => {
        const id = await newThread();
        const [lease] = await claim('w1');
        if (lease === undefined) throw new Error('nothing claimed');
        await store.release(lease);
        expect((await claim('w2')).map((l) => l.threadId)).toEqual([id]);
      });

      it('an append that pauses the thread releases the lease in the same commit when asked; one that leaves it ready keeps it', async () => {
        const id = await newThread();
        const [lease] = await claim('w1');
        if (lease === undefined) throw new Error('nothing claimed');
        const read = await store.append(id, [decided('search_issues', { query: 'login' })], { expectedSeq: 1, lease, releaseIfPaused: true });
        expect(read).toMatchObject({ duplicate: false });
        expect(read.duplicate === false && read.released).toBeFalsy();
        expect((await summary(id))?.status).toBe('running');
        expect(await claim('w2')).toEqual([]);

        const paused = await store.append(id, [decided('request_more_information', { message: 'Which team?' })], { expectedSeq: 'any', lease, releaseIfPaused: true });
        expect(paused).toMatchObject({ duplicate: false, released: true });
        expect((await summary(id))?.status).toBe('awaiting_human');
        // The lease is gone: a heartbeat finds nothing, and the answer makes the thread claimable at once.
        expect(await store.heartbeat(lease, 10_000)).toBeUndefined();
        await store.append(id, [reply('Operations')], { expectedSeq: 'any' });
        expect((await claim('w2')).map((l) => l.threadId)).toEqual([id]);
      });

      it('without releaseIfPaused a pausing append keeps the lease until release', async () => {
        const id = await newThread();
        const [lease] = await claim('w1');
        if (lease === undefined) throw new Error('nothing claimed');
        const paused = await store.append(id, [decided('done_for_now', { message: 'Done' })], { expectedSeq: 1, lease });
        expect(paused.duplicate === false && paused.released).toBeFalsy();
        expect(await store.heartbeat(lease, 10_000)).toMatchObject({ token: lease.token });
      });

      it('a channel may append without the lease while a worker holds it; the worker then sees a conflict', async () => {
        const id = await newThread();
        const [lease] = await claim('w1');
        if (lease === undefined) throw new Error('nothing claimed');
        await store.append(id, [reply('Actually, make it P1')], { expectedSeq: 'any' });
        await expect(store.append(id, [decided('create_issue')], { expectedSeq: 1, lease })).rejects.toBeInstanceOf(
          ConcurrencyError,
        );
        await store.append(id, [decided('create_issue')], { expectedSeq: 2, lease });
        expect((await store.load(id))?.events.map((e) => e.type)).toEqual(['message_received', 'human_replied', 'step_decided']);
      });

      it('concurrent claimers never get the same thread', async () => {
        const threads = new Set<ThreadId>();
        for (const _ of range(24)) threads.add(await newThread());
        const claimers = await Promise.all(range(8).map(() => h.openSibling()));
        const perClaimer = await Promise.all(
          claimers.map(async (s, c) => {
            const mine: Lease[] = [];
            for (let round = 0; round < 50; round++) {
              const got = await claim(`w${c}`, 60_000, 2, s);
              if (got.length === 0) break;
              mine.push(...got);
            }
            return mine;
          }),
        );
        const claimed = perClaimer.flat().map((l) => l.threadId);
        expect(new Set(claimed).size).toBe(claimed.length);
        const rest = (await claim('late', 60_000, 100)).map((l) => l.threadId);
        expect([...claimed, ...rest].toSorted()).toEqual([...threads].toSorted());
      });
    });

    describe('list', () => {
      it('pages newest first with no duplicates or gaps, filters by status and agent', async () => {
        const all: ThreadId[] = [];
        const waiting = new Set<ThreadId>();
        const other = new Set<ThreadId>();
        for (const i of range(23)) {
          // Runs of equal updated_at: the id must break the tie for paging to be stable.
          if (i % 3 !== 0) clock.advance(1000);
          const agentName = i % 5 === 0 ? 'other-agent' : agent;
          const id = await newThread([message(`thread ${i}`)], agentName);
          if (agentName !== agent) other.add(id);
          if (i % 4 === 0) {
            await store.append(id, [decided('request_more_information', { message: '?' })], { expectedSeq: 1 });
            waiting.add(id);
          }
          all.push(id);
        }

        const first = await store.list({ limit: 4 });
        clock.advance(1000);
        const late = await newThread();
        const rest = await listAll({ limit: 4, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
        const paged = [...first.threads, ...rest];
        expect(paged.map((t) => t.id).toSorted()).toEqual(all.toSorted());
        const newestFirst = (a: ThreadSummary, b: ThreadSummary): number =>
          b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id);
        expect(paged).toEqual(paged.toSorted(newestFirst));
        expect(new Set(paged.map((t) => t.updatedAt)).size).toBeLessThan(paged.length);

        const everything = await store.list();
        expect(everything.nextCursor).toBeUndefined();
        expect(everything.threads.map((t) => t.id)).toEqual([late, ...paged.map((t) => t.id)]);

        const awaiting = await listAll({ status: 'awaiting_human', limit: 2 });
        expect(awaiting.map((t) => t.id).toSorted()).toEqual([...waiting].toSorted());
        expect(awaiting.every((t) => t.status === 'awaiting_human')).toBe(true);

        const ofOther = await listAll({ agent: 'other-agent', limit: 3 });
        expect(ofOther.map((t) => t.id).toSorted()).toEqual([...other].toSorted());
        const readyOfOther = await listAll({ agent: 'other-agent', status: 'ready', limit: 1 });
        expect(readyOfOther.map((t) => t.id).toSorted()).toEqual([...other].filter((id) => !waiting.has(id)).toSorted());
      });

      it('finds threads by the terms of their events: words, sender, channel, issue identifier, escalation (#13)', async () => {
        const email = await newThread([said('email', 'Alex@Company.com', 'The fridge is empty, see ENG-42')]);
        const slack = await newThread([said('slack', 'U024BE7LH', 'Fridge door broken')]);
        const quiet = await newThread([said('http', 'sam@company.com', 'nothing to see')]);
        await store.append(slack, [reply('Also ENG-7 please'), { id: ids.eventId(), type: 'escalated', at: at(), data: { guard: 'max_steps', reason: 'too many steps' } }], { expectedSeq: 1 });
        const found = async (terms: string[], options: ListOptions = {}) => (await listAll({ terms, limit: 2, ...options })).map((t) => t.id).toSorted();
        expect(await found(queryTerms('fridge'))).toEqual([email, slack].toSorted());
        expect(await found(queryTerms('FRIDGE empty'))).toEqual([email]);
        expect(await found(queryTerms('alex@company.com'))).toEqual([email]);
        expect(await found(queryTerms('eng-42'))).toEqual([email]);
        expect(await found(queryTerms('ENG-7'))).toEqual([slack]);
        expect(await found([channelTerm('slack')])).toEqual([slack]);
        expect(await found([channelTerm('email')], { status: 'ready' })).toEqual([email]);
        expect(await found([escalatedTerm])).toEqual([slack]);
        expect(await found(queryTerms('fri'))).toEqual([]);
        expect(await found([])).toEqual([email, slack, quiet].toSorted());
        await expect(store.list({ terms: range(11).map(String) })).rejects.toSatisfy((e) => HardwayError.isInstance(e, 'invalid_input'));
      });

      it('a term on 2000 threads (checked while walking the newest) and a rare one (its threads fetched) find exactly their threads, newest first', async () => {
        // 2000 threads say "fridge" (common: the list walks the newest and checks each); 3 of them also say "ENG-9".
        const fridge: ThreadId[] = [];
        await Promise.all(
          range(2000).map(async (i) => {
            const id = ids.threadId();
            fridge.push(id);
            await store.create({ id, agent, events: [said('email', 'alex@company.com', i % 700 === 0 ? `fridge ENG-9 #${i}` : `fridge #${i}`)] });
          }),
        );
        clock.advance(1000);
        const other = await newThread([said('email', 'sam@company.com', 'printer ENG-9')]);
        const common = await listAll({ terms: queryTerms('fridge'), limit: 200 });
        expect(common.map((t) => t.id).toSorted()).toEqual(fridge.toSorted());
        const newestFirst = (a: ThreadSummary, b: ThreadSummary): number => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id);
        expect(common).toEqual(common.toSorted(newestFirst));
        const both = await listAll({ terms: queryTerms('fridge ENG-9'), limit: 2 });
        expect(both).toHaveLength(3);
        expect(both.every((t) => fridge.includes(t.id))).toBe(true);
        expect((await listAll({ terms: queryTerms('ENG-9'), limit: 2 })).map((t) => t.id)).toContain(other);
      }, 60_000);

      it('stores exactly the terms of its events in thread_terms, once each, for a create and for appends (#15 perf)', async () => {
        const id = await newThread([said('email', 'Alex@Company.com', 'The fridge is empty, see ENG-42 and eng-42 (fridge!)')]);
        await store.append(id, [reply('Fridge ENG-7 fixed?'), { id: ids.eventId(), type: 'escalated', at: at(), data: { guard: 'max_steps', reason: 'too many steps' } }], { expectedSeq: 1 });
        await store.append(id, [said('email', 'alex@company.com', 'fridge again')], { expectedSeq: 3 });
        const stored = (await h.query(`SELECT term, thread_id FROM thread_terms WHERE thread_id = '${id}'`)).map((row) => String(row.term)).toSorted();
        // The terms the index held when each term was its own INSERT (pinned: searchTerms of each event, deduplicated).
        expect(stored).toEqual(
          [
            'channel:email', 'channel:slack', 'event:escalated', 'from:alex@company.com', 'from:u024be7lh', 'issue:ENG-42', 'issue:ENG-7',
            'w:again', 'w:and', 'w:empty', 'w:eng', 'w:fixed', 'w:fridge', 'w:is', 'w:see', 'w:the', 'w:42',
          ].toSorted(),
        );
      });

      it('writes the search terms of a create and of an append in one statement each, however many terms (#15 perf)', async () => {
        const words = range(60).map((i) => `word${i}`).join(' ');
        const termStatements = (traced: Traced<unknown>) => traced.statements.filter((s) => /insert\b[^;]*thread_terms/i.test(s.sql));
        const created = await h.trace(() => newThread([said('email', 'alex@company.com', words)]));
        expect(termStatements(created)).toHaveLength(1);
        const appended = await h.trace(() => store.append(created.result, [reply(`more ${words} ENG-1`), said('sms', '+15550100', 'hello there')], { expectedSeq: 1 }));
        expect(termStatements(appended)).toHaveLength(1);
        expect((await listAll({ terms: queryTerms('word59 more hello ENG-1'), limit: 2 })).map((t) => t.id)).toEqual([created.result]);
      });

      it('rebuildStatusCache indexes threads whose terms are missing (stored before the index existed)', async () => {
        const id = await newThread([said('email', 'alex@company.com', 'The fridge is empty')]);
        await h.exec('DELETE FROM thread_terms');
        expect((await store.list({ terms: queryTerms('fridge') })).threads).toEqual([]);
        await store.rebuildStatusCache();
        expect((await store.list({ terms: queryTerms('fridge alex@company.com') })).threads.map((t) => t.id)).toEqual([id]);
      });

      it('a database from before the search index gets its threads indexed, once, when a store first creates the index', async () => {
        const id = await newThread([said('email', 'alex@company.com', 'The fridge is empty')]);
        await h.exec('DROP TABLE thread_terms');
        const upgraded = await h.openSibling();
        expect((await upgraded.list({ terms: queryTerms('fridge alex@company.com') })).threads.map((t) => t.id)).toEqual([id]);
        // The index exists now: a later opener does not redo it, and new appends keep it current.
        const later = await h.openSibling();
        const other = await newThread([said('email', 'sam@company.com', 'The fridge again')]);
        expect((await later.list({ terms: queryTerms('fridge') })).threads.map((t) => t.id).toSorted()).toEqual([id, other].toSorted());
      });

      it('rejects a cursor it did not make, and a nonsense limit', async () => {
        await newThread();
        const forged = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
        for (const cursor of ['not a cursor!', forged({}), forged({ u: 'yesterday', i: 'thr_1' }), forged([1, 2])]) {
          await expect(store.list({ cursor })).rejects.toSatisfy((e) => HardwayError.isInstance(e, 'invalid_input'));
        }
        for (const limit of [0, -1, 1.5]) {
          await expect(store.list({ limit })).rejects.toSatisfy((e) => HardwayError.isInstance(e, 'invalid_input'));
        }
        expect((await store.list({ limit: 10_000 })).threads).toHaveLength(1);
      });
    });

    describe('status cache', () => {
      const sent = (): NewEvent => ({
        id: ids.eventId(),
        type: 'message_sent',
        at: at(),
        data: { channel: 'email', to: ['alex@company.com'], inResponseTo: ids.eventId() },
      });
      const requested = (callId: CallId): NewEvent => ({
        id: ids.eventId(),
        type: 'approval_requested',
        at: at(),
        data: { callId, intent: 'create_issue', summary: 'Create ENG bug', policy: 'mutations' },
      });
      const retry = (): NewEvent => ({ id: ids.eventId(), type: 'retry_requested', at: at(), data: { by: 'alex@company.com', channel: 'http' } });
      const email = (): NewEvent => ({
        id: ids.eventId(),
        type: 'message_received',
        at: at(),
        data: emailMessage({
          from: { address: 'sam@company.com' },
          to: [{ address: 'assistant@company.com' }],
          cc: [],
          subject: 'Also',
          body: 'One more thing',
          fullBody: 'One more thing',
          messageId: `<${ids.eventId()}@mail.company.com>`,
          references: [],
          previousThread: [],
          attachments: [],
        }),
      });

      /** Appends that take a thread through every status and back, with the status each one leaves. */
      function everyStatus(intents: HumanIntents): [string, NewEvent[], DerivedStatus][] {
        const ask = intents.ask[0] ?? never();
        const done = intents.done[0] ?? never();
        const [denied, granted, failing] = [ids.callId(), ids.callId(), ids.callId()];
        return [
          ['a question', [decided(ask, { message: 'Which team?' })], 'awaiting_human'],
          ['its delivery', [sent()], 'awaiting_human'],
          ['the answer', [reply('Web')], 'ready'],
          ['a step and its approval request together', [decided('create_issue', { title: 'Login' }, denied), requested(denied)], 'awaiting_approval'],
          ['the request delivered', [sent()], 'awaiting_approval'],
          ['a denial', [{ id: ids.eventId(), type: 'approval_denied', at: at(), data: { callId: denied, by: 'alex@company.com' } }], 'ready'],
          ['another request', [decided('create_issue', { title: 'Login' }, granted), requested(granted)], 'awaiting_approval'],
          ['a grant', [{ id: ids.eventId(), type: 'approval_granted', at: at(), data: { callId: granted, by: 'alex@company.com' } }], 'ready'],
          ['the tool result', [succeeded(granted, 'create_issue', { identifier: 'ENG-42' })], 'ready'],
          ['a model failure worth retrying', [{ id: ids.eventId(), type: 'model_failed', at: at(), data: { reason: '503', retryable: true } }], 'ready'],
          ['a model failure for good', [{ id: ids.eventId(), type: 'model_failed', at: at(), data: { reason: '401', retryable: false } }], 'failed'],
          ['a retry', [retry()], 'ready'],
          [
            'a rejected step, a step and its tool failure',
            [
              { id: ids.eventId(), type: 'step_rejected', at: at(), data: { reason: 'no intent', raw: '{}' } },
              decided('add_comment', { body: 'x' }, failing),
              {
                id: ids.eventId(),
                type: 'tool_failed',
                at: at(),
                data: { callId: failing, intent: 'add_comment', error: { kind: 'timeout', message: 'slow', retryable: true } },
              },
            ],
            'ready',
          ],
          ['an escalation', [{ id: ids.eventId(), type: 'escalated', at: at(), data: { guard: 'consecutive_errors', reason: '3 errors' } }], 'awaiting_human'],
          ['its delivery', [sent()], 'awaiting_human'],
          ['a retry', [retry()], 'ready'],
          ['a failed thread, delivered', [{ id: ids.eventId(), type: 'thread_failed', at: at(), data: { reason: 'gave up' } }, sent()], 'failed'],
          ['a retry', [retry()], 'ready'],
          ['the final answer', [decided(done, { message: 'Filed ENG-42' })], 'done'],
          ['its delivery', [sent()], 'done'],
          ['an append of nothing', [], 'done'],
          ['a new email', [email()], 'ready'],
          ['a question and its delivery together', [decided(ask, { message: 'Which project?' }), sent()], 'awaiting_human'],
          ['the answer and the final answer together', [reply('Mobile'), decided(done, { message: 'Moved' })], 'done'],
        ];
      }

      it.each([
        ["the Linear Assistant's intents", agent, linearAssistantIntents],
        ["an agent's own intents", 'custom-agent', customIntents],
      ])('the cached status after every append equals deriveStatus of all events, through every status (%s)', async (_label, agentName, intents) => {
        const id = await newThread([message('Please file a bug for the login page')], agentName);
        const script = everyStatus(intents);
        expect(new Set(script.map(([, , status]) => status))).toEqual(new Set(['ready', 'awaiting_human', 'awaiting_approval', 'done', 'failed']));
        for (const [i, [step, events, status]] of script.entries()) {
          const seq = (await summary(id))?.lastSeq ?? never();
          const appended = await store.append(id, events, { expectedSeq: i % 2 === 0 ? seq : 'any' });
          const thread = await store.load(id);
          expect({ step, status: (await summary(id))?.status }).toEqual({ step, status });
          expect({ step, status: deriveStatus(thread?.events ?? [], intents) }).toEqual({ step, status });
          expect(await summary(id)).toMatchObject({ lastSeq: lastSeq(thread ?? never()) });
          expect(appended).toEqual({ duplicate: false, events: thread?.events.slice(seq) });
        }
      });

      it('#11.3: a context compaction round-trips exactly and leaves the cached status as it was', async () => {
        const callId = ids.callId();
        const id = await newThread([message('Please look at ENG-42'), decided('get_issue', { issue_id: 'ENG-42' }, callId), succeeded(callId, 'get_issue', { issue: { identifier: 'ENG-42', title: 'Login é' } }), reply('go on')]);
        const compaction: NewEvent = {
          id: ids.eventId(),
          type: 'context_compacted',
          at: at(),
          data: {
            collapsed: [{ seq: 3, line: 'get_issue_result for ENG-42 collapsed: call get_issue with issue_id ENG-42 to see it again' }],
            reason: 'the context reached 1200 tokens, over the budget of 1000',
            budgetTokens: 1000,
            tokensBefore: 1200,
            tokensAfter: 700,
          },
        };
        await store.append(id, [compaction], { expectedSeq: 4 });
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 5 });
        expect((await store.load(id))?.events.at(-1)).toEqual({ ...compaction, seq: 5 });
        await store.append(id, [decided('request_more_information', { message: 'Which one?' })], { expectedSeq: 5 });
        await store.append(id, [compaction].map((e) => ({ ...e, id: ids.eventId() })), { expectedSeq: 6 });
        expect(await summary(id)).toMatchObject({ status: 'awaiting_human', lastSeq: 7 });
      });

      it('caches a thread of an agent it was not told about with no human intents: its questions do not wait for a human', async () => {
        const id = await newThread([message('Please file a bug for the login page')], 'unknown-agent');
        await store.append(id, [decided('request_more_information', { message: 'Which team?' })], { expectedSeq: 1 });
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 2 });
        await store.append(id, [decided('done_for_now', { message: 'Filed' })], { expectedSeq: 2 });
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 3 });
        await store.append(id, [{ id: ids.eventId(), type: 'thread_failed', at: at(), data: { reason: 'gave up' } }], { expectedSeq: 3 });
        expect(await summary(id)).toMatchObject({ status: 'failed' });
      });

      it('an append to a 2,000-event thread sends the same statements as to a 10-event one, none reading events', async () => {
        // Threads that went through every status, ending ready so a worker can claim them.
        const history = (length: number): NewEvent[] => {
          const events = [message('Please file a bug for the login page')];
          while (events.length < length - 1) events.push(...everyStatus(linearAssistantIntents).flatMap(([, e]) => e));
          return [...events.slice(0, length - 1), reply('Go on')];
        };
        const appendTo = async (length: number) => {
          const id = await newThread(history(length));
          expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: length });
          const [lease] = await store.claim({ owner: 'w1', leaseMs: 60_000, limit: 10 });
          expect(lease?.threadId).toBe(id);
          if (lease === undefined) return never();
          const callId = ids.callId();
          const traced = await h.trace(async () => {
            await store.append(id, [decided('search_issues', { query: 'login' }, callId), succeeded(callId, 'search_issues', [])], { expectedSeq: length, lease });
            await store.append(id, [reply('Make it P1')], { expectedSeq: 'any', deliveries: [{ source: 'email', id: `<${id}@mail.company.com>` }] });
            await store.append(id, [decided('done_for_now', { message: 'Filed ENG-42' })], { expectedSeq: length + 3, lease });
          });
          await store.release(lease);
          const thread = await store.load(id);
          expect(thread?.events).toHaveLength(length + 4);
          expect(await summary(id)).toMatchObject({ status: deriveStatus(thread?.events ?? [], linearAssistantIntents), lastSeq: length + 4 });
          expect((await summary(id))?.status).toBe('done');
          return traced.statements;
        };

        const short = await appendTo(10);
        const long = await appendTo(2000);
        expect(short.some((s) => /INSERT INTO events/i.test(s.sql))).toBe(true);
        expect(long).toEqual(short);
        expect(long.filter((s) => /\bFROM events\b/i.test(s.sql))).toEqual([]);
        expect(long.filter((s) => s.rows > 1)).toEqual([]);
      });

      it('concurrent appends at any seq through several stores leave the cache equal to deriveStatus in landing order', async () => {
        const id = await newThread();
        const stores = [store, ...(await Promise.all(range(3).map(() => h.openSibling())))];
        // A question, its delivery, an answer: each append's status depends on which landed just before it.
        const event = (i: number): NewEvent =>
          i % 3 === 0 ? decided('request_more_information', { message: `question ${i}` }) : i % 3 === 1 ? sent() : reply(`answer ${i}`);
        const results = await Promise.all(range(40).map((i) => (stores[i % stores.length] ?? store).append(id, [event(i)], { expectedSeq: 'any' })));
        expect(results.every((r) => !r.duplicate)).toBe(true);
        const events = (await store.load(id))?.events ?? [];
        expect(events.map((e) => e.seq)).toEqual(range(41).map((i) => i + 1));
        expect(await summary(id)).toMatchObject({ status: deriveStatus(events, linearAssistantIntents), lastSeq: 41 });
      });

      it('an append does not parse earlier events: a corrupted old event breaks load, not the append', async () => {
        const id = await newThread([message('hello'), decided('request_more_information', { message: 'Which team?' })]);
        await h.exec(`UPDATE events SET data = '"not an object"' WHERE thread_id = '${id}' AND seq = 1`);
        await expect(store.load(id)).rejects.toSatisfy((e) => HardwayError.isInstance(e, 'invalid_state'));

        const answer = reply('The web team');
        expect(await store.append(id, [answer], { expectedSeq: 2 })).toEqual({ duplicate: false, events: [{ ...answer, seq: 3 }] });
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 3 });
        expect((await store.eventsAfter(id, 1))?.map((e) => e.type)).toEqual(['step_decided', 'human_replied']);
        await expect(store.load(id)).rejects.toSatisfy((e) => HardwayError.isInstance(e, 'invalid_state'));
      });

      it('appends fold from the cached status, so a wrong cache stays wrong until rebuildStatusCache repairs it', async () => {
        const id = await newThread([message('hello'), decided('request_more_information', { message: 'Which team?' })]);
        await h.exec(`UPDATE threads SET status = 'done' WHERE id = '${id}'`);
        await store.append(id, [sent()], { expectedSeq: 2 });
        expect(await summary(id)).toMatchObject({ status: 'done', lastSeq: 3 });
        await store.rebuildStatusCache();
        expect(await summary(id)).toMatchObject({ status: 'awaiting_human', lastSeq: 3 });
        await store.append(id, [reply('Web')], { expectedSeq: 3 });
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 4 });
      });

      it('a cached status no store writes is recomputed from all the events by the next append', async () => {
        const id = await newThread([message('hello'), decided('request_more_information', { message: 'Which team?' })]);
        await h.exec(`UPDATE threads SET status = 'running' WHERE id = '${id}'`);
        await store.append(id, [sent()], { expectedSeq: 2 });
        expect(await summary(id)).toMatchObject({ status: 'awaiting_human', lastSeq: 3 });
      });

      it('rebuildStatusCache repairs a tampered status and last seq without reordering', async () => {
        const id = await newThread();
        await store.append(id, [decided('done_for_now', { message: 'Filed ENG-42' })], { expectedSeq: 1 });
        const before = await summary(id);
        expect(before).toMatchObject({ status: 'done', lastSeq: 2 });
        await h.exec(`UPDATE threads SET status = 'ready', last_seq = 0 WHERE id = '${id}'`);
        expect(await summary(id)).toMatchObject({ status: 'ready', lastSeq: 0 });
        clock.advance(60_000);
        await store.rebuildStatusCache();
        expect(await summary(id)).toEqual(before);
        expect(await store.claim({ owner: 'w1', leaseMs: 1000, limit: 10 })).toEqual([]);
      });
    });
  });
}
