// Linear's replies that are not a resolver's result: authentication and rate-limit refusals, query validation
// errors, and the rate-limit headers Linear sends on every response. Shapes as Linear sends them (see
// linear.app/developers/rate-limiting: HTTP 400 with `extensions.code` RATELIMITED, reset times in epoch ms).
import type { GraphQLError } from 'graphql';

export interface LinearReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Linear's answer to a missing or wrong API key. */
export function authenticationRequired(): LinearReply {
  return {
    status: 401,
    body: {
      errors: [
        {
          message: 'Authentication required, not authenticated',
          extensions: {
            code: 'AUTHENTICATION_ERROR',
            type: 'authentication error',
            userError: true,
            userPresentableMessage: 'You need to authenticate to access this operation.',
          },
        },
      ],
      data: null,
    },
  };
}

export function rateLimited(resetAt: number, limit: number): LinearReply {
  return {
    status: 400,
    headers: rateLimitHeaders(limit, 0, resetAt),
    body: {
      errors: [
        {
          message: 'Rate limit exceeded',
          extensions: {
            code: 'RATELIMITED',
            type: 'ratelimited',
            userError: true,
            userPresentableMessage: 'You have exceeded the rate limit. Please try again later.',
          },
        },
      ],
      data: null,
    },
  };
}

/** A query that does not validate against the schema (or cannot be parsed, or has bad variables). */
export function invalidQuery(errors: readonly GraphQLError[]): LinearReply {
  return {
    status: 400,
    body: {
      errors: errors.map((e) => ({
        message: e.message,
        locations: e.locations,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error', userError: true },
      })),
    },
  };
}

export function rateLimitHeaders(limit: number, remaining: number, resetAt: number): Record<string, string> {
  return {
    'x-ratelimit-requests-limit': String(limit),
    'x-ratelimit-requests-remaining': String(Math.max(0, remaining)),
    'x-ratelimit-requests-reset': String(resetAt),
  };
}

/** What a load balancer answers when Linear's servers are down: HTML, not GraphQL. */
export function gatewayPage(status: number): string {
  return `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>cloudflare</center></body></html>`;
}
