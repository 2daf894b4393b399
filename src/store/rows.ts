// Typed values out of driver rows (node:sqlite and pg), checked, so schema drift fails loudly rather than quietly.
import { HardwayError } from '../core/errors.js';
import { isEventType, type ThreadEvent } from '../core/events.js';
import type { EventId, ThreadId } from '../core/ids.js';
import { isJsonObject } from '../core/json.js';
import { upcasterFor, type Upcasters } from '../core/upcast.js';
import { threadStatuses, type DerivedStatus, type ThreadStatus } from '../core/thread.js';
import type { ThreadSummary } from './thread-store.js';

export type Row = Readonly<Record<string, unknown>>;

function corrupt(key: string, value: unknown): HardwayError {
  return new HardwayError('invalid_state', `store row: column ${key} holds ${typeof value} ${String(value)}`);
}

export function text(row: Row, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw corrupt(key, value);
  return value;
}

export function optionalText(row: Row, key: string): string | undefined {
  const value = row[key];
  return value === null || value === undefined ? undefined : text(row, key);
}

export function int(row: Row, key: string): number {
  const value = row[key];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  throw corrupt(key, value);
}

/** SQLite keeps the ISO text we wrote; pg turns timestamptz into a Date. */
export function timestamp(row: Row, key: string): string {
  const value = row[key];
  if (value instanceof Date) return value.toISOString();
  return text(row, key);
}

const isStatus = (value: string): value is ThreadStatus => (threadStatuses as readonly string[]).includes(value);

/**
 * The status cache on a thread row, or undefined if it holds anything a store never writes there (`running` is
 * never stored: it is the lease, read at list time).
 */
export function cachedStatus(row: Row): DerivedStatus | undefined {
  const status = text(row, 'status');
  return isStatus(status) && status !== 'running' ? status : undefined;
}

export function toSummary(row: Row): ThreadSummary {
  const status = text(row, 'status');
  if (!isStatus(status)) throw corrupt('status', status);
  return {
    // Ids in our rows were branded when written.
    id: text(row, 'id') as ThreadId,
    agent: text(row, 'agent'),
    status,
    lastSeq: int(row, 'last_seq'),
    createdAt: timestamp(row, 'created_at'),
    updatedAt: timestamp(row, 'updated_at'),
  };
}

/**
 * An event row; `data` is passed parsed (SQLite keeps JSON text, pg parses json itself). A row of a retired type is
 * read through its upcaster (see `StoreDeps.upcasters`); the row itself is never rewritten.
 */
export function toEvent(row: Row, data: unknown, upcasters?: Upcasters): ThreadEvent {
  const stored = text(row, 'type');
  if (!isJsonObject(data)) throw corrupt('data', data);
  const upcast = isEventType(stored) ? undefined : upcasterFor(upcasters, stored);
  if (upcast !== undefined) return { id: text(row, 'id') as EventId, seq: int(row, 'seq'), at: text(row, 'at'), ...upcast(data) } as ThreadEvent;
  const type = stored;
  if (!isEventType(type)) throw corrupt('type', type);
  const event: ThreadEvent = {
    id: text(row, 'id') as EventId,
    seq: int(row, 'seq'),
    type,
    at: text(row, 'at'),
    // Only this store writes event rows, each from a typed NewEvent whose data matched its type.
    data: data as never,
  };
  return event;
}
