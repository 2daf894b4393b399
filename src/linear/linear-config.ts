// Where the Linear adapter's settings come from: LINEAR_API_KEY and LINEAR_API_URL (default Linear's), checked once.
import { z } from 'zod';
import { HardwayError } from '../core/errors.js';
import { LINEAR_API_URL } from './graphql-transport.js';

const linearEnv = z.object({
  LINEAR_API_KEY: z.string().trim().min(1, 'LINEAR_API_KEY is not set'),
  LINEAR_API_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export interface LinearConfig {
  apiKey: string;
  apiUrl: string;
}

export function linearConfigFromEnv(env: Record<string, string | undefined> = process.env): LinearConfig {
  const parsed = linearEnv.safeParse({ LINEAR_API_KEY: env.LINEAR_API_KEY, LINEAR_API_URL: env.LINEAR_API_URL || undefined });
  if (!parsed.success) {
    throw new HardwayError('config', `Linear: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return { apiKey: parsed.data.LINEAR_API_KEY, apiUrl: parsed.data.LINEAR_API_URL ?? LINEAR_API_URL };
}
