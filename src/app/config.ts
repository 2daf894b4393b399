// Every setting, read once from the environment and validated; .env.example lists the same names.
import { z } from 'zod';
import { defaultGuardLimits, type GuardLimits } from '../core/guards.js';
import { readLlmConfig, type LlmConfigResult } from '../llm/config.js';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters').optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(1000).default(16),
  WORKER_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_POLL_MS: z.coerce.number().int().min(10).default(1000),
  WORKER_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  // Under the smallest window of the hosted models we configure (128k), with room for the prompt's fixed part and
  // the answer; 0 turns compaction off. A small local model needs it set to its own window.
  CONTEXT_BUDGET_TOKENS: z.coerce.number().int().min(0).default(100_000),
  MAX_STEPS: z.coerce.number().int().min(1).default(defaultGuardLimits.maxSteps),
  MAX_CONSECUTIVE_ERRORS: z.coerce.number().int().min(1).default(defaultGuardLimits.maxConsecutiveErrors),
  LINEAR_API_KEY: z.string().min(1).optional(),
  LINEAR_API_URL: z.url().optional(),
  LINEAR_WORKSPACE_FILE: z.string().default('./data/workspace.sqlite'),
  LINEAR_SEED_FILE: z.string().default('./workspace.seed.json'),
  PREFETCH_TTL_MS: z.coerce.number().int().min(0).default(300_000),
  APPROVAL_INTENTS: z.string().optional(),
  APPROVE_CLOSING: flag.default(true),
  APPROVE_REASSIGN: flag.default(true),
  APPROVE_BULK: flag.default(true),
});

export interface AppConfig {
  port: number;
  host: string;
  apiToken?: string;
  databaseUrl: string;
  /** PostgreSQL connections this process may hold; SQLite ignores it. */
  databasePoolSize: number;
  logLevel: string;
  worker: { concurrency: number; leaseMs: number; pollMs: number; graceMs: number; toolTimeoutMs: number };
  limits: GuardLimits;
  /** Tokens a thread's context may reach before old results collapse; 0 when off. */
  contextBudgetTokens: number;
  llm: LlmConfigResult;
  linear: { apiKey?: string; apiUrl?: string; workspaceFile: string; seedFile: string; prefetchTtlMs: number };
  approvals: { intents: string[]; closing: boolean; reassign: boolean; bulk: boolean };
  env: Record<string, string | undefined>;
}

export function readConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid settings:\n${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  return {
    port: e.PORT,
    // Without a token the API is open to whoever can connect, so it stays on loopback.
    host: e.API_TOKEN ? (e.HOST ?? '0.0.0.0') : '127.0.0.1',
    ...(e.API_TOKEN ? { apiToken: e.API_TOKEN } : {}),
    databaseUrl: e.DATABASE_URL ?? '',
    databasePoolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    worker: { concurrency: e.WORKER_CONCURRENCY, leaseMs: e.WORKER_LEASE_MS, pollMs: e.WORKER_POLL_MS, graceMs: e.WORKER_GRACE_MS, toolTimeoutMs: e.TOOL_TIMEOUT_MS },
    limits: { maxSteps: e.MAX_STEPS, maxConsecutiveErrors: e.MAX_CONSECUTIVE_ERRORS },
    contextBudgetTokens: e.CONTEXT_BUDGET_TOKENS,
    llm: readLlmConfig(env),
    linear: {
      ...(e.LINEAR_API_KEY ? { apiKey: e.LINEAR_API_KEY } : {}),
      ...(e.LINEAR_API_URL ? { apiUrl: e.LINEAR_API_URL } : {}),
      workspaceFile: e.LINEAR_WORKSPACE_FILE,
      seedFile: e.LINEAR_SEED_FILE,
      prefetchTtlMs: e.PREFETCH_TTL_MS,
    },
    approvals: {
      intents: (e.APPROVAL_INTENTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      closing: e.APPROVE_CLOSING,
      reassign: e.APPROVE_REASSIGN,
      bulk: e.APPROVE_BULK,
    },
    env,
  };
}
