// `npm run eval`: the prompt tests live, against the configured provider (LLM_*): pass rate, latency, tokens and
// cost per case. Costs need LLM_PRICE_INPUT_PER_MTOK and LLM_PRICE_OUTPUT_PER_MTOK (USD per million tokens).
import { bamlLogLevel } from '../src/llm/baml-log.js';
import { readLlmConfig } from '../src/llm/config.js';
import { linearAssistantModel } from '../src/agents/linear-assistant/model.js';
import { parseStep } from '../src/agents/linear-assistant/steps.js';
import { readBamlTests } from './baml-tests.js';
import { linearAssistantCases } from './linear-assistant-cases.js';

// Prompts stay out of the output unless asked for (LOG_PROMPTS=true or BAML_LOG), as for the service.
process.env.BAML_LOG = bamlLogLevel(process.env);
const config = readLlmConfig(process.env);
if (!config.ok) {
  console.error(config.problem);
  process.exit(2);
}
const runs = Number(process.env.EVAL_RUNS ?? 3);
const priceIn = Number(process.env.LLM_PRICE_INPUT_PER_MTOK ?? NaN);
const priceOut = Number(process.env.LLM_PRICE_OUTPUT_PER_MTOK ?? NaN);
const model = linearAssistantModel(config.config);
const rows: string[][] = [['case', 'passed', 'median ms', 'tokens in/out', 'cost $', 'failures']];
let allPassed = true;

for (const t of readBamlTests().filter((x) => x.functionName === 'DetermineNextStep')) {
  const c = linearAssistantCases[t.name];
  if (!c) throw new Error(`no TypeScript asserts for ${t.name}`);
  let passed = 0;
  const latencies: number[] = [];
  let tokensIn = 0;
  let tokensOut = 0;
  const failures = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    const outcome = await model(t.thread, new AbortController().signal);
    if (outcome.kind === 'unavailable') {
      failures.set(`unavailable: ${outcome.reason}`, (failures.get(`unavailable: ${outcome.reason}`) ?? 0) + 1);
      continue;
    }
    latencies.push(outcome.usage.latencyMs);
    tokensIn += outcome.usage.inputTokens ?? 0;
    tokensOut += outcome.usage.outputTokens ?? 0;
    const parsed = outcome.kind === 'step' ? parseStep(outcome.value) : { ok: false as const, reason: outcome.reason };
    const failed = parsed.ok ? Object.entries(c.asserts).filter(([, check]) => !check(parsed.step)).map(([name]) => name) : [`unparsed: ${parsed.reason}`];
    if (failed.length === 0) passed++;
    for (const f of failed) failures.set(f, (failures.get(f) ?? 0) + 1);
  }
  if (passed < runs) allPassed = false;
  latencies.sort((a, b) => a - b);
  const cost = (tokensIn * priceIn + tokensOut * priceOut) / 1e6;
  rows.push([
    t.name,
    `${passed}/${runs}`,
    String(latencies[Math.floor(latencies.length / 2)] ?? '-'),
    `${tokensIn}/${tokensOut}`,
    Number.isFinite(cost) ? cost.toFixed(4) : '-',
    [...failures].map(([k, n]) => `${k}×${n}`).join('; '),
  ]);
}

const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
console.log(`\n${config.config.provider} ${config.config.model}, ${runs} runs per case`);
process.exitCode = allPassed ? 0 : 1;
