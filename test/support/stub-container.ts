// The whole program in-process against the scripted model and the seeded local workspace, on an in-memory store:
// what the API, worker and scenario tests start before each test.
import { readConfig } from '../../src/app/config.js';
import { createContainer, type Container, type ContainerOverrides } from '../../src/app/container.js';
import { silentLogger } from '../../src/support/logger.js';
import type { StubLlm } from './stub-llm.js';
import { testWorkspace } from './workspace.js';

/** The settings that point the model at the stub: no retries, so each scripted fault is one call. */
export function stubModelEnv(llm: StubLlm): Record<string, string> {
  return { LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'stub', LLM_MAX_RETRIES: '0' };
}

/** Resets the stub's script, then builds the program; `env` adds to or overrides the defaults. */
export async function startStubContainer(
  llm: StubLlm,
  env: Record<string, string> = {},
  overrides: ContainerOverrides = {},
): Promise<Container> {
  llm.reset();
  const config = readConfig({ DATABASE_URL: ':memory:', ...stubModelEnv(llm), PREFETCH_TTL_MS: '0', ...env });
  return createContainer(config, { logger: silentLogger, linear: await testWorkspace(), ...overrides });
}
