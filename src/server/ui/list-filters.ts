// The threads list's query string, parsed at the edge, and how it becomes a store query.
import { z } from 'zod';
import { channelTerm, escalatedTerm, queryTerms } from '../../core/search-terms.js';
import { threadStatuses, type ThreadStatus } from '../../core/thread.js';
import type { ListOptions } from '../../store/thread-store.js';

/** The status filter: a thread's status, or `escalated` (ever escalated to a human; it then awaits one). */
export const statusLabels = {
  ready: 'ready',
  running: 'running',
  awaiting_human: 'awaiting human',
  awaiting_approval: 'awaiting approval',
  done: 'done',
  failed: 'failed',
  escalated: 'escalated',
} as const satisfies Record<ThreadStatus | 'escalated', string>;

const blankIsAbsent = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const listFilters = z.object({
  status: z.preprocess(blankIsAbsent, z.enum([...threadStatuses, 'escalated']).optional()),
  agent: z.preprocess(blankIsAbsent, z.string().max(100).optional()),
  channel: z.preprocess(blankIsAbsent, z.string().trim().max(100).optional()),
  q: z.preprocess(blankIsAbsent, z.string().trim().max(500).optional()),
  cursor: z.preprocess(blankIsAbsent, z.string().max(500).optional()),
});

export type ListFilters = z.infer<typeof listFilters>;

export const pageSize = 50;

export function toListOptions(filters: ListFilters): ListOptions {
  const terms = [
    ...(filters.status === 'escalated' ? [escalatedTerm] : []),
    ...(filters.channel ? [channelTerm(filters.channel)] : []),
    ...(filters.q ? queryTerms(filters.q) : []),
  ].slice(0, 10);
  return {
    limit: pageSize,
    ...(filters.status && filters.status !== 'escalated' ? { status: filters.status } : {}),
    ...(filters.agent ? { agent: filters.agent } : {}),
    ...(terms.length > 0 ? { terms } : {}),
    ...(filters.cursor ? { cursor: filters.cursor } : {}),
  };
}
