// Every failure leaves the API as `{ error: { code, message, retry } }` with the right status; nothing crashes.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { HardwayError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../support/logger.js';

const statusByCode: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_input: 400,
  thread_not_found: 404,
  invalid_state: 409,
  concurrency_conflict: 409,
  thread_exists: 409,
  lease_lost: 409,
  config: 500,
  channel_delivery: 502,
};

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, retry = false): Response {
  return c.json({ error: { code, message, retry } }, status);
}

export function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function onError(logger: Logger) {
  return (error: Error, c: Context): Response => {
    if (HardwayError.isInstance(error)) return errorResponse(c, statusByCode[error.code], error.code, error.message, error.retry);
    if (error instanceof z.ZodError) return errorResponse(c, 400, 'invalid_input', zodMessage(error));
    if ('status' in error && error.status === 413) return errorResponse(c, 413, 'too_large', 'request body too large');
    logger.error({ err: error, path: c.req.path }, 'unhandled error in request');
    return errorResponse(c, 500, 'internal', 'internal error', true);
  };
}
