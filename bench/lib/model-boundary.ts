// Figure 9: what the model boundary alone costs Hardway per step. Its production boundary (the Linear Assistant's
// BAML function behind `createStepModel`: request built from the BAML prompt, sent, reply parsed, usage collected)
// against the same request body sent by a bare `fetch` and its JSON read, as an SDK's HTTP client does, both to one
// local server answering at once, with a short and a long thread in the prompt. The difference is a per-step cost
// no change in the core can remove; it explains most of what separates figure 1 from the peers' and figure 8's
// growth with the prompt.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { b } from '../../baml_client/index.js';
import { linearAssistantModel } from '../../src/agents/linear-assistant/model.js';
import { buildClientRegistry } from '../../src/llm/client-registry.js';
import type { LlmConfig } from '../../src/llm/config.js';
import { summarize, type Summary } from './stats.js';

export interface ModelBoundaryPoint {
  /** The thread's part of the prompt, in bytes. */
  threadBytes: number;
  bamlMs: Summary;
  fetchMs: Summary;
}

export interface ModelBoundaryOptions {
  /** Tool results of ~1 KB in the thread, one point per entry. */
  results: readonly number[];
  calls: number;
  warmup: number;
}

const REPLY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'stub',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify({ intent: 'list_teams' }) } }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

function thread(results: number): string {
  const email = '<email_received>\n    From: Alex <alex@company.com>\n    Subject: The fridge\n    Body: "make an issue to restock the fridges"\n</email_received>';
  const result = (i: number): string =>
    `<get_issue>\n    intent: "get_issue"\n    id: "OPS-${i}"\n</get_issue>\n\n<get_issue_result>\n    identifier: "OPS-${i}"\n    title: "${'Restock the kitchen fridge '.repeat(30)}"\n</get_issue_result>`;
  return [email, ...Array.from({ length: results }, (_, i) => result(i))].join('\n\n');
}

/** Both ways in turn, call after call, so that background noise falls on both alike. */
async function timedInTurn(calls: number, warmup: number, first: () => Promise<void>, second: () => Promise<void>): Promise<[Summary, Summary]> {
  const a: number[] = [];
  const b2: number[] = [];
  for (let i = 0; i < warmup + calls; i++) {
    const t0 = performance.now();
    await first();
    const t1 = performance.now();
    await second();
    const t2 = performance.now();
    if (i >= warmup) {
      a.push(t1 - t0);
      b2.push(t2 - t1);
    }
  }
  return [summarize(a), summarize(b2)];
}

export async function measureModelBoundary(options: ModelBoundaryOptions): Promise<ModelBoundaryPoint[]> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(REPLY));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const config: LlmConfig = {
      provider: 'openai-compatible',
      model: 'stub',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      apiKey: 'bench',
      timeoutMs: 60_000,
      maxRetries: 0,
    };
    const model = linearAssistantModel(config);
    const registry = buildClientRegistry(config);
    const signal = new AbortController().signal;
    const points: ModelBoundaryPoint[] = [];
    for (const results of options.results) {
      const context = thread(results);
      // The very request BAML sends, for fetch to send as it is.
      const request = await b.request.DetermineNextStep(context, { clientRegistry: registry });
      const body = JSON.stringify(request.body.json());
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      const [bamlMs, fetchMs] = await timedInTurn(
        options.calls,
        options.warmup,
        async () => {
          const outcome = await model(context, signal);
          if (outcome.kind !== 'step') throw new Error(`figure 9: the model boundary failed: ${JSON.stringify(outcome)}`);
        },
        async () => {
          const res = await fetch(request.url, { method: request.method, headers, body });
          const reply = (await res.json()) as { choices: Array<{ message: { content: string } }> };
          JSON.parse(reply.choices[0]?.message.content ?? 'null');
        },
      );
      points.push({ threadBytes: Buffer.byteLength(context), bamlMs, fetchMs });
    }
    return points;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
