// One round trip of one of our documents to Linear's GraphQL API through @linear/sdk's rawRequest: its own deadline,
// the reply parsed with the document's zod schema, every failure a LinearError. Retries are the caller's.
import { LinearClient } from '@linear/sdk';
import type { Clock } from '../core/ids.js';
import { linearErrorFromFailure } from './error-mapping.js';
import { LinearError } from './linear-error.js';
import type { LinearDocument } from './operation.js';

export const LINEAR_API_URL = 'https://api.linear.app/graphql';

/** An API key is sent raw in `Authorization` (no `Bearer`), an OAuth token (an app's, actor=app) as `Bearer …`. */
export type LinearCredential = { kind: 'apiKey' | 'accessToken'; value: string };

export interface TransportOptions {
  credential: LinearCredential;
  apiUrl: string;
  timeoutMs: number;
  clock: Clock;
}

export type SendDocument = <R>(document: LinearDocument<R>, variables: Record<string, unknown>, signal?: AbortSignal) => Promise<R>;

export function linearTransport(options: TransportOptions): SendDocument {
  const { credential, apiUrl, timeoutMs, clock } = options;
  const auth = credential.kind === 'apiKey' ? { apiKey: credential.value } : { accessToken: credential.value };
  return async <R>(document: LinearDocument<R>, variables: Record<string, unknown>, signal?: AbortSignal): Promise<R> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    // The SDK spreads its options into fetch's init, so a client per request is how each gets its own deadline.
    const client = new LinearClient({ ...auth, apiUrl, signal: signal === undefined ? deadline : AbortSignal.any([deadline, signal]) });
    let data: unknown;
    try {
      data = (await client.client.rawRequest(document.text, variables)).data;
    } catch (error) {
      throw linearErrorFromFailure(error, { now: clock.now(), timeoutMs, timedOut: deadline.aborted });
    }
    const parsed = document.reply.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : ` at ${issue.path.join('.')}: ${issue.message}`;
      throw new LinearError('server', `unexpected reply to ${document.name}${where}`, { retryable: false });
    }
    return parsed.data;
  };
}
