// Traces end to end: the program runs one thread against the scripted model with OTEL_EXPORTER_OTLP_ENDPOINT set,
// and a local OTLP/HTTP receiver gets its spans: one trace per thread, under its `thread` span the intake and the
// run, each model step and tool call under the run.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container } from '../../src/app/container.js';
import { threadTraceIds } from '../../src/telemetry/otel.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { startStubContainer } from '../support/stub-container.js';
import { startStubLlm, type StubLlm } from '../support/stub-llm.js';

const OPS = 'b511db11-63a9-4ebf-9fb1-54cf83124cbd';
const WORDS = 'Please file the broken espresso machine on floor three';
const SECRET = 'tok_live_5f2a9c0e7b1d4e8a';

let llm: StubLlm;
let receiver: OtlpReceiver;
let c: Container | undefined;

beforeAll(async () => {
  llm = await startStubLlm();
});
afterAll(async () => llm.close());
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await c?.close();
  c = undefined;
  expect(llm.scriptErrors).toEqual([]);
  expect(receiver.rejected).toEqual([]);
  await receiver.close();
});

/** Runs one thread to its end and closes the program, which sends every span before it returns. */
async function traceOneThread(env: Record<string, string>): Promise<{ threadId: string; spans: readonly ReceivedSpan[] }> {
  c = await startStubContainer(llm, { API_TOKEN: SECRET, ...env });
  llm.script(
    { content: { intent: 'create_issue', issue: { title: 'Espresso machine broken', team_id: OPS } }, usage: { prompt_tokens: 3_000, cached_tokens: 2_048, completion_tokens: 40 } },
    { content: { intent: 'done_for_now', message: `Filed it. (${SECRET})` }, usage: { prompt_tokens: 3_200, cached_tokens: 2_944, completion_tokens: 12 } },
  );
  const threadId = await c.service.launch({ message: WORDS, from: 'alex@company.com' });
  await c.worker.drain();
  await c.close();
  c = undefined;
  return { threadId, spans: receiver.spans };
}

const named = (spans: readonly ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);

describe('OTLP/HTTP traces', () => {
  it('one thread is one trace: its thread span over the intake and the run, each model step and tool call under the run', async () => {
    const { threadId, spans } = await traceOneThread({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });

    const [run, ...moreRuns] = named(spans, 'invoke_agent linear-assistant');
    expect(moreRuns).toEqual([]);
    if (run === undefined) throw new Error('no run span');
    // The thread's root span carries the ids any process derives from the thread id, so later intakes and runs of
    // the thread, wherever they happen, land in the same trace under it.
    const [root, ...moreRoots] = named(spans, 'thread');
    expect(moreRoots).toEqual([]);
    expect(root?.parentSpanId).toBeUndefined();
    expect({ traceId: root?.traceId, spanId: root?.spanId }).toEqual(threadTraceIds(threadId));
    expect(root?.attributes).toMatchObject({ 'gen_ai.conversation.id': threadId, 'hardway.channel': 'api' });
    expect(spans.every((s) => s.traceId === root?.traceId)).toBe(true);
    expect(run.parentSpanId).toBe(root?.spanId);
    expect(run.serviceName).toBe('hardway');
    expect(run.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'linear-assistant', 'gen_ai.conversation.id': threadId, 'hardway.run.outcome': 'done' });

    const children = spans.filter((s) => s.parentSpanId === run.spanId);
    expect(children.every((s) => s.traceId === run.traceId)).toBe(true);
    expect(children.map((s) => s.name)).toEqual([
      'chat stub',
      'execute_tool create_issue',
      'chat stub',
    ]);

    const [first, second] = named(spans, 'chat stub');
    expect(first?.kind).toBe(3); // CLIENT
    expect(first?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.system': 'openai-compatible',
      'gen_ai.request.model': 'stub',
      'gen_ai.response.model': 'stub',
      'gen_ai.usage.input_tokens': 3_000,
      'gen_ai.usage.cache_read.input_tokens': 2_048,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.conversation.id': threadId,
    });
    expect(second?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 3_200, 'gen_ai.usage.cache_read.input_tokens': 2_944, 'gen_ai.usage.output_tokens': 12 });

    const [create] = named(spans, 'execute_tool create_issue');
    expect(create?.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'create_issue', 'gen_ai.tool.type': 'function', 'hardway.tool.mutates': true });
    expect(String(create?.attributes['gen_ai.tool.call.id'])).toMatch(/^call_/);

    const [intake] = named(spans, 'intake start');
    expect(intake?.attributes).toMatchObject({ 'hardway.channel': 'api', 'hardway.intake.outcome': 'started', 'gen_ai.conversation.id': threadId });
    expect(intake?.parentSpanId).toBe(root?.spanId);
    expect(run.links).toEqual([]);
  });

  it('carries no message text, prompt, reply or tool arguments unless capture is on', async () => {
    const { spans } = await traceOneThread({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    const all = JSON.stringify(spans);
    expect(spans.length).toBeGreaterThan(0);
    for (const text of ['espresso', 'Espresso machine broken', 'Filed it', SECRET]) expect(all).not.toContain(text);
    for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']) expect(all).not.toContain(key);
  });

  it('with OTEL_CAPTURE_CONTENT=true carries the prompt, the reply and tool arguments, never a configured secret', async () => {
    const { spans } = await traceOneThread({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_CAPTURE_CONTENT: 'true' });
    const [first, second] = named(spans, 'chat stub');
    expect(String(first?.attributes['gen_ai.input.messages'])).toContain(WORDS);
    expect(String(second?.attributes['gen_ai.output.messages'])).toContain('Filed it.');
    expect(String(named(spans, 'execute_tool create_issue')[0]?.attributes['gen_ai.tool.call.arguments'])).toContain('Espresso machine broken');
    expect(JSON.stringify(spans)).not.toContain(SECRET);
  });

  it('without an endpoint no span is sent', async () => {
    await traceOneThread({});
    expect(receiver.spans).toEqual([]);
  });
});
