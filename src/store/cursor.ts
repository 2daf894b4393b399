// List paging: an opaque keyset cursor (the last row's updated_at and id) and the page-size rule.
import { z } from 'zod';
import { HardwayError } from '../core/errors.js';

export const defaultListLimit = 50;
export const maxListLimit = 200;

export interface ListPosition {
  updatedAt: string;
  id: string;
}

const cursorShape = z.strictObject({ u: z.iso.datetime(), i: z.string().min(1) });

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ u: position.updatedAt, i: position.id })).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = cursorShape.safeParse(raw);
  if (!parsed.success) throw new HardwayError('invalid_input', 'invalid cursor: pass back a nextCursor unchanged');
  return { updatedAt: parsed.data.u, id: parsed.data.i };
}

/** Default 50; more than 200 is served as 200 (the caller pages on), less than 1 is a mistake. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultListLimit;
  if (!Number.isInteger(limit) || limit < 1) throw new HardwayError('invalid_input', `limit must be a positive integer, got ${limit}`);
  return Math.min(limit, maxListLimit);
}
