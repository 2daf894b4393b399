// Figure 4: what each step's prompt costs, measured on the requests the stub actually received.
//
// Every request is counted the same way, whatever its shape, with the tokenizer Hardway uses (gpt-tokenizer,
// o200k_base): each message's text plus OpenAI's documented framing (about 3 tokens per message and 3 to prime
// the reply), each tool call's name and arguments, and the tool schemas as the JSON that was sent. For Hardway
// the BAML output format (the schema of every step) is inside its prompt, so it is counted too.
//
// The prompt-cache figure compares consecutive requests of one thread as the provider sees them (tool schemas
// first, then the messages in order): the share of a step's prompt bytes that are a byte prefix of the previous
// step's prompt. Providers cache on such prefixes.
import { countTokens } from '../../src/core/render.js';
import { factsBefore } from '../scenarios/email-triage.js';
import { contentText, type ChatBody } from './stub-model.js';

export function requestTokens(body: ChatBody): number {
  let tokens = 3;
  for (const m of body.messages) {
    tokens += 3 + countTokens(contentText(m.content));
    for (const call of m.tool_calls ?? []) tokens += 3 + countTokens(call.function.name) + countTokens(call.function.arguments);
  }
  if (body.tools !== undefined && body.tools.length > 0) tokens += countTokens(JSON.stringify(body.tools));
  return tokens;
}

/** The request as one string in the order a provider lays it out: tools, then each message. */
export function promptText(body: ChatBody): string {
  const messages = body.messages.map((m) =>
    [m.role, contentText(m.content), ...(m.tool_calls ?? []).map((c) => `${c.function.name}(${c.function.arguments})`)].join('\n'),
  );
  return [JSON.stringify(body.tools ?? []), ...messages].join('\n');
}

function commonPrefixBytes(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface PromptFigures {
  /** Input tokens of each model call, in order. */
  tokensPerStep: number[];
  totalTokens: number;
  /** Share of each step's prompt bytes (from the second step on) that prefix the previous step's prompt. */
  prefixSharePerStep: number[];
  /** Prefix bytes over prompt bytes, summed over steps 2…n. */
  prefixShare: number;
  /** Tokens of what each step (from the second on) adds after that prefix: what no prompt cache can serve. */
  uncachedTokensPerStep: number[];
  /** Prompt bytes (as laid out above) of each step. */
  bytesPerStep: number[];
}

/** The requests of one thread, in order. */
export function promptFigures(requests: readonly ChatBody[]): PromptFigures {
  const tokensPerStep = requests.map(requestTokens);
  const texts = requests.map((r) => Buffer.from(promptText(r), 'utf8'));
  const prefixSharePerStep: number[] = [];
  const uncachedTokensPerStep: number[] = [];
  let shared = 0;
  let total = 0;
  for (let i = 1; i < texts.length; i++) {
    const prev = texts[i - 1] ?? Buffer.alloc(0);
    const cur = texts[i] ?? Buffer.alloc(0);
    const prefix = commonPrefixBytes(prev, cur);
    prefixSharePerStep.push(cur.length === 0 ? 0 : prefix / cur.length);
    uncachedTokensPerStep.push(countTokens(cur.subarray(prefix).toString('utf8')));
    shared += prefix;
    total += cur.length;
  }
  return {
    tokensPerStep,
    totalTokens: tokensPerStep.reduce((a, b) => a + b, 0),
    prefixSharePerStep,
    prefixShare: total === 0 ? 0 : shared / total,
    uncachedTokensPerStep,
    bytesPerStep: texts.map((t) => t.length),
  };
}

/**
 * The facts each step of the scenario needs that its prompt lacks, as `step i: <fact>`; empty when every prompt
 * carries what the scripted model's step relies on. A system whose prompts lose one has no figure 4.
 */
export function missingFacts(requests: readonly ChatBody[]): string[] {
  if (requests.length !== factsBefore.length) return [`expected ${factsBefore.length} prompts, got ${requests.length}`];
  return requests.flatMap((body, i) => {
    const text = promptText(body);
    return (factsBefore[i] ?? []).filter((fact) => !text.includes(fact)).map((fact) => `step ${i + 1}: ${fact}`);
  });
}
