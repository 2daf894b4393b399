// Request bodies must say they are JSON: a browser can send text/plain or a form to any origin without asking
// first (no CORS preflight), so a body of any other type is refused before anything reads it.
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';

export interface JsonBodyOptions {
  /** Methods whose requests carry a body; others pass untouched. */
  methods?: readonly string[];
}

const defaultMethods = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** `application/json`, with or without parameters such as `; charset=utf-8`. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return essence === 'application/json';
}

export function requireJsonBody(options: JsonBodyOptions = {}): MiddlewareHandler {
  const methods = new Set(options.methods ?? defaultMethods);
  return async (c, next) => {
    if (methods.has(c.req.method)) {
      const contentType = c.req.header('content-type');
      if (!isJsonMediaType(contentType)) {
        const got = contentType ? `got ${contentType}` : 'no Content-Type was sent';
        return errorResponse(c, 415, 'unsupported_media_type', `the request body must be JSON (Content-Type: application/json); ${got}`);
      }
    }
    await next();
  };
}
