// What a failed BAML call means for the step: try again, give up, or show the model its reply was not a step.
//
// Classified from BAML's error classes and fields (pinned @boundaryml/baml 0.226.2, checked against the stub model in
// test/llm/baml-failures.test.ts). BamlClientHttpError.status_code is the HTTP status when there was one, and
// otherwise BAML's own ErrorCode (engine/baml-runtime/src/internal/llm_client/mod.rs):
//   2xx  the provider said OK but BAML could not read the body: an HTML page, broken JSON, no `choices`.
//        Proxies and overloaded gateways do this; it is transient.
//   < 100, "BadResponse n"  ErrorCode::UnsupportedResponse: the body is JSON but not a reply BAML accepts
//        (e.g. `usage` without `total_tokens`). The same request gets the same reply: not transient.
//   < 100, "Unspecified error code: n"  ErrorCode::Other: the request got no answer (the connection closed before
//        the reply, the body could not be read: transient), or BAML could not build it at all (not transient).
//   503 with no raw_response  the request never got an answer (connection refused): transient.
// The napi binding flattens ErrorCode into a number, so the two < 100 kinds differ only in the first line of
// `detailed_message`, which is ErrorCode's Display; and within Other, only BAML's own wording ("Failed to build
// request", runtime/src/internal/llm_client/primitive/request.rs) tells a request it could not build. Those two
// readings are the only ones of the text that classify anything.
import { BamlAbortError, BamlClientFinishReasonError, BamlClientHttpError, BamlValidationError } from '@boundaryml/baml';
import { z } from 'zod';

export type BamlFailure =
  | { kind: 'invalid'; reason: string; raw: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'fatal'; reason: string };

const MAX_REASON = 300;

export function clip(text: string, max = MAX_REASON): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

const providerError = z.object({
  error: z.union([z.string(), z.object({ message: z.string() }).loose()]),
});

/** The provider's own words: OpenAI's and Anthropic's `{ error: { message } }`, or a short cut of the body. */
function providerMessage(body: string | undefined): string | undefined {
  if (body === undefined || body.trim() === '') return undefined;
  if (looksLikeHtml(body)) return 'an HTML page instead of JSON';
  try {
    const parsed = providerError.safeParse(JSON.parse(body));
    if (parsed.success) return clip(typeof parsed.data.error === 'string' ? parsed.data.error : parsed.data.error.message);
  } catch {
    // Not JSON: the body itself is the message.
  }
  return clip(body, 200);
}

function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml)/i.test(body) || /<\/(html|body|title|h1)>/i.test(body);
}

/**
 * BAML's own explanation, without what surrounds it: the `message` of an `LLMErrorResponse { … }` dump (which also
 * holds the whole prompt, never to be copied into a reason), the `Caused by:` lines of an anyhow chain, the OS
 * error of a reqwest failure.
 */
export function rootCause(message: string): string {
  const body = message.replace(/^(?:Baml\w*Error: )+/, '');
  const dumped = /\bmessage: "((?:[^"\\]|\\.)*)", code: /.exec(body);
  if (dumped?.[1] !== undefined) return clip(unescape(dumped[1]));
  const caused = /\n\s*Caused by:\n([\s\S]*?)(?:\n\s*\n|\n\s*Stack backtrace:|$)/.exec(body);
  if (caused?.[1] !== undefined) {
    const lines = caused[1].split('\n').map((l) => l.replace(/^\s*\d+:\s*/, '').trim()).filter((l) => l !== '');
    if (lines.length > 0) return clip(lines.join(': '));
  }
  const os = /Os \{ code: \d+, kind: (\w+), message: "((?:[^"\\]|\\.)*)" \}/.exec(body);
  if (os?.[2] !== undefined) return clip(`${unescape(os[2])} (${os[1] ?? 'os error'})`);
  // reqwest's Debug nests the cause innermost: `… hyper::Error(IncompleteMessage)) }`.
  const innermost = /reqwest::Error \{[\s\S]*\b(?:hyper::Error|Error)\((\w+)\)/.exec(body)?.[1];
  if (innermost !== undefined) return innermost === 'IncompleteMessage' ? 'the connection closed before the reply was complete' : innermost;
  const firstLine = body.split('\n').find((l) => l.trim() !== '') ?? body;
  return clip(firstLine);
}

function unescape(text: string): string {
  try {
    const value: unknown = JSON.parse(`"${text}"`);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

/** ErrorCode's Display in the first line of detailed_message: "… failed with status code: BadResponse 2". */
function errorCodeName(detailed: string): string | undefined {
  return /failed with status code: ([A-Za-z]+)/.exec(detailed.split('\n')[0] ?? '')?.[1];
}

export interface ClassifyContext {
  provider: string;
  explainInvalid?: ((raw: string) => string | undefined) | undefined;
}

/** Everything but aborts and our own timeout, which the caller sees on its signals. */
export function classifyBamlFailure(error: unknown, context: ClassifyContext): BamlFailure {
  const { provider } = context;
  if (error instanceof BamlValidationError) {
    const explained = context.explainInvalid?.(error.raw_output);
    return { kind: 'invalid', reason: explained ?? clip(rootCause(error.message)), raw: error.raw_output };
  }
  if (error instanceof BamlClientFinishReasonError) {
    return { kind: 'invalid', reason: `the reply was cut off (finish_reason=${error.finish_reason ?? 'unknown'})`, raw: error.raw_output };
  }
  if (error instanceof BamlAbortError) return { kind: 'retry', reason: 'the call was aborted' };
  if (error instanceof BamlClientHttpError) return classifyHttp(error, provider);
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'retry', reason: `${provider}: ${rootCause(message)}` };
}

function classifyHttp(error: BamlClientHttpError, provider: string): BamlFailure {
  const status = error.status_code;
  const said = providerMessage(error.raw_response);
  if (status >= 200 && status < 300) {
    const what = said === 'an HTML page instead of JSON' ? said : rootCause(error.message);
    return { kind: 'retry', reason: `${provider} answered HTTP ${status} with a reply that cannot be read: ${what}` };
  }
  if (status > 0 && status < 100) {
    const code = errorCodeName(error.detailed_message);
    if (code === 'BadResponse') {
      return { kind: 'fatal', reason: `${provider} sent a reply BAML cannot read: ${rootCause(error.message)}` };
    }
    if (/Failed to (?:build request|create request builder)/.test(error.message)) {
      return { kind: 'fatal', reason: `the request to ${provider} could not be built: ${rootCause(error.message)}` };
    }
    return { kind: 'retry', reason: `${provider} did not answer: ${rootCause(error.message)}` };
  }
  if (status === 503 && error.raw_response === undefined) {
    return { kind: 'retry', reason: `${provider} could not be reached: ${rootCause(error.message)}` };
  }
  const reason = `${provider} HTTP ${status}: ${said ?? rootCause(error.message)}`;
  if (status === 408 || status === 409 || status === 429 || status >= 500) return { kind: 'retry', reason };
  if (status >= 400) return { kind: 'fatal', reason };
  // BAML's fallback when it cannot read its own error (-100), or a status we have never seen: worth another try.
  return { kind: 'retry', reason };
}
