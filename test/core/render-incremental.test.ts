// #10.3: the loop's context is built incrementally (ContextBuilder renders only the events it has not seen) and
// must be, at every step, byte for byte what the full renderer gives for the same events.
import { describe, expect, it } from 'vitest';
import { ContextBuilder, renderContext } from './channel-render.js';
import { humanInputTypes, type EventDataByType, type EventType, type ThreadEvent } from '../../src/core/events.js';
import type { CallId, EventId } from '../../src/core/ids.js';
import type { JsonObject } from '../../src/core/json.js';
import type { RenderOptions } from '../../src/core/render.js';
import { T0 } from './fixtures.js';
import { example1, example2, example3, example4, overrides, renderScenarios, seedOptions, seedThread1, seedThread2, seedThread3, seedThread3Resumed, seedThread4 } from './render-scenarios.js';
import { emailMessage } from '../../src/channels/email/email-received.js';

/** Feeds the events one at a time to one builder, as the loop does, checking it against the full renderer each time. */
function expectSameAtEveryStep(events: readonly ThreadEvent[], options: RenderOptions): string {
  const builder = new ContextBuilder(options);
  const grown: ThreadEvent[] = [];
  let text = '';
  for (const event of events) {
    grown.push(event);
    text = builder.render(grown);
    expect(text).toBe(renderContext(grown, options));
  }
  return text;
}

describe('#10.3: the incremental renderer equals the full renderer', () => {
  it('#10.3: renders the seed’s four context windows byte for byte, at every step', () => {
    expect(expectSameAtEveryStep(seedThread1.events, {})).toBe(example1);
    expect(expectSameAtEveryStep(seedThread2.events, seedOptions)).toBe(example2);
    expect(expectSameAtEveryStep(seedThread3.events, seedOptions)).toBe(example3);
    expect(expectSameAtEveryStep(seedThread4.events, {})).toBe(example4);
  });

  it.each(renderScenarios.map((s) => [s.name, s] as const))('#10.3: %s, at every step', (_, scenario) => {
    expectSameAtEveryStep(scenario.events, scenario.options);
  });

  it.each(renderScenarios.map((s) => [s.name, s] as const))('#11.1: lean profile: %s, at every step', (_, scenario) => {
    expectSameAtEveryStep(scenario.events, { ...scenario.options, profile: 'lean' });
  });

  it('#11.1: lean profile with a result view that reads its step’s arguments: the seed’s threads, at every step', () => {
    const results = { list_teams: (r: unknown, args: Record<string, unknown>) => ({ seen: Object.keys(args).length, kind: typeof r }) };
    for (const t of [seedThread1, seedThread2, seedThread3, seedThread3Resumed, seedThread4]) {
      const text = expectSameAtEveryStep(t.events, { ...seedOptions, profile: 'lean', results });
      if (t.events.some((e) => e.type === 'tool_succeeded' && e.data.intent === 'list_teams')) expect(text).toContain('<list_teams_result>\n    seen: 0\n    kind: object\n');
    }
  });

  it('#10.3: collapses a resolved error when a human speaks after the success — the one step whose prefix changes — and appends again after', () => {
    const builder = new ContextBuilder(seedOptions);
    const events = [...seedThread3Resumed.events];
    const beforeHuman = builder.render(events.slice(0, -1));
    expect(beforeHuman).toBe(example3);
    const afterHuman = builder.render(events);
    expect(afterHuman).toBe(renderContext(events, seedOptions));
    expect(afterHuman.startsWith(beforeHuman)).toBe(false);
    expect(afterHuman).toContain('<error>\n    error running create_issue (resolved later): invalid_input\n</error>');
    const next: ThreadEvent = { id: 'evt_next' as EventId, seq: events.length + 1, at: T0, type: 'step_decided', data: { callId: 'call_next' as CallId, intent: 'list_labels', args: {}, idempotencyKey: 'thr_test/call_next', origin: 'model' } };
    events.push(next);
    const later = builder.render(events);
    expect(later.startsWith(afterHuman)).toBe(true);
    expect(later).toBe(renderContext(events, seedOptions));
  });

  it('#10.3: given a thread that does not extend what it rendered, starts over and still matches', () => {
    const builder = new ContextBuilder(seedOptions);
    builder.render(seedThread3.events);
    // Fewer events than it rendered: a different thread.
    expect(builder.render(seedThread2.events)).toBe(example2);
    // As many or more, but not those it rendered (event ids are unique): a different thread too.
    const other = seedThread4.events.map((e) => ({ ...e, id: `evt_other${e.seq}` as EventId }));
    expect(builder.render(other)).toBe(renderContext(other, seedOptions));
    // The same events in a fresh array (a thread read again after a conflict) continue where it left off.
    expect(builder.render([...other, ...seedThread3Resumed.events.slice(-1).map((e) => ({ ...e, seq: other.length + 1 }))])).toBe(
      renderContext([...other, ...seedThread3Resumed.events.slice(-1).map((e) => ({ ...e, seq: other.length + 1 }))], seedOptions),
    );
  });
});

// ---- A long generated thread: every event type, errors resolved and not, humans speaking now and then. ----

/** A small deterministic generator (mulberry32), so the long thread is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const intents = ['list_teams', 'list_users', 'search_issues', 'get_issue', 'create_issue', 'update_issue'];

/** 200 model steps as the loop appends them: each entry is one append's events. */
function longThread(steps: number, seed: number): ThreadEvent[][] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const batches: ThreadEvent[][] = [];
  let seq = 0;
  const make = <T extends EventType>(type: T, data: EventDataByType[T]): ThreadEvent =>
    ({ id: `evt_${seq + 1}` as EventId, seq: ++seq, at: T0, type, data }) as ThreadEvent;
  batches.push([make('message_received', emailMessage({ from: { address: 'alex@acme.example', name: 'Alex' }, to: [{ address: 'assistant@acme.example' }], cc: [], subject: 'Long one', body: 'Please sort out\nthe exports.', fullBody: 'x', messageId: '<m@x>', references: [], previousThread: [], attachments: [] }))]);
  for (let step = 1; step <= steps; step++) {
    const callId = `call_${step}` as CallId;
    const intent = pick(intents);
    const args: JsonObject = step % 3 === 0 ? { query: `page ${step}`, note: 'line one\nline two' } : { query: `page ${step}` };
    const roll = next();
    if (roll < 0.06) {
      batches.push([make('step_rejected', { reason: `not a step (${step})`, raw: '{"intent":' })]);
    } else if (roll < 0.09) {
      batches.push([make('model_failed', { reason: 'HTTP 503', retryable: true })]);
    } else if (roll < 0.15) {
      const ask = make('step_decided', { callId, intent: 'request_more_information', args: { message: `Which one, ${step}?` }, idempotencyKey: `thr/${callId}`, origin: 'model' });
      batches.push([ask]);
      batches.push([make('message_sent', { channel: 'email', to: ['alex@acme.example'], inResponseTo: ask.id, messageId: `<r${step}@x>` })]);
      batches.push([make('human_replied', { channel: 'email', from: 'alex@acme.example', message: `the one from step ${step}` })]);
    } else if (roll < 0.2) {
      batches.push([
        make('step_decided', { callId, intent: 'update_issue', args, idempotencyKey: `thr/${callId}`, origin: 'model' }),
        make('approval_requested', { callId, intent: 'update_issue', policy: 'bulk update', summary: `update ${step}` }),
      ]);
      if (next() < 0.7) {
        batches.push([make('approval_granted', { by: 'alex@acme.example', callId })]);
        batches.push([make('tool_succeeded', { callId, intent: 'update_issue', result: { ok: true, step } })]);
      } else {
        batches.push([make('approval_denied', { by: 'alex@acme.example', callId, ...(next() < 0.5 ? { reason: 'not that one' } : {}) })]);
      }
    } else if (roll < 0.22) {
      batches.push([make('escalated', { guard: 'consecutive_errors', reason: '3 failures in a row (limit 3)' })]);
      batches.push([make('retry_requested', { by: 'alex@acme.example', channel: 'api' })]);
    } else {
      batches.push([make('step_decided', { callId, intent, args, idempotencyKey: `thr/${callId}`, origin: 'model' })]);
      const outcome =
        next() < 0.3
          ? make('tool_failed', { callId, intent, error: { kind: 'invalid_input', message: `bad ${intent} at ${step}: ${'x'.repeat(step % 7)}`, retryable: false } })
          : make('tool_succeeded', { callId, intent, result: { items: Array.from({ length: 1 + (step % 2) }, (_, i) => ({ id: `${step}-${i}`, text: 'lorem "ipsum"' })) } });
      batches.push([outcome]);
    }
  }
  return batches;
}

describe('#10.3: a 200-step generated thread', () => {
  const batches = longThread(200, 10);

  it('has what the test needs: errors resolved before a human spoke, and ones never resolved', () => {
    const events = batches.flat();
    const collapsed = renderContext(events).match(/\(resolved later\)/g)?.length ?? 0;
    const full = renderContext(events, { collapseResolvedErrors: false }).match(/<error>/g)?.length ?? 0;
    expect(collapsed).toBeGreaterThan(3);
    expect(full).toBeGreaterThan(collapsed);
    expect(events.filter((e) => humanInputTypes.has(e.type)).length).toBeGreaterThan(10);
  });

  /** Feeds every append to one builder; compares with a full render where `compareAt` says (each is O(thread)). */
  function grow(options: RenderOptions, compareAt: (index: number, batch: readonly ThreadEvent[]) => boolean): number {
    const builder = new ContextBuilder(options);
    const events: ThreadEvent[] = [];
    let previous = '';
    let rewrites = 0;
    let compared = 0;
    for (const [index, batch] of batches.entries()) {
      events.push(...batch);
      const text = builder.render(events);
      if (compareAt(index, batch) || index === batches.length - 1) {
        expect(text).toBe(renderContext(events, options));
        compared++;
      }
      if (!text.startsWith(previous)) {
        rewrites++;
        expect(batch.some((e) => humanInputTypes.has(e.type)), `the prefix changed at seq ${batch[0]?.seq} without a human speaking`).toBe(true);
      }
      previous = text;
    }
    // Collapsing is what rewrites: never without it, and on this thread at least once with it.
    if (options.collapseResolvedErrors === false) expect(rewrites).toBe(0);
    else expect(rewrites).toBeGreaterThan(0);
    return compared;
  }

  it('#10.3: equals the full renderer after every append of all 200 steps; the prefix changes only when a human speaks', () => {
    expect(grow({}, () => true)).toBe(batches.length);
  });

  it('#11.1: lean profile: equals the full renderer after every append of all 200 steps', () => {
    expect(grow({ profile: 'lean' }, () => true)).toBe(batches.length);
  });

  it.each([
    ['result tags and a small result budget', { resultTags: { create_issue: 'issue_create_result' }, maxResultTokens: 12 }],
    ['collapse off', { collapseResolvedErrors: false }],
    ['overrides hiding events', overrides],
    ['the lean profile, collapse off', { profile: 'lean', collapseResolvedErrors: false }],
  ] as Array<[string, RenderOptions]>)('#10.3: with %s, equals the full renderer wherever a human spoke, every 10th append and at the end', (_, options) => {
    const compared = grow(options, (index, batch) => index % 10 === 0 || batch.some((e) => humanInputTypes.has(e.type)));
    expect(compared).toBeGreaterThan(40);
  });
});
