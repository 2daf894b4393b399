// LLM settings → a BAML ClientRegistry whose primary client every BAML function call uses.
import { ClientRegistry } from '@boundaryml/baml';
import { normalizeBaseUrl } from './base-url.js';
import type { LlmConfig, Provider } from './config.js';

export const CLIENT_NAME = 'Runtime';

const bamlProvider: Record<Provider, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'openai-compatible': 'openai-generic',
};

export function buildClientRegistry(config: LlmConfig): ClientRegistry {
  const registry = new ClientRegistry();
  const options: Record<string, unknown> = {
    model: config.model,
    // A reply cut off by the token limit is never parsed as a step: it fails as an invalid step instead.
    finish_reason_deny_list: ['length'],
  };
  if (config.apiKey !== undefined) options.api_key = config.apiKey;
  if (config.baseUrl !== undefined) options.base_url = normalizeBaseUrl(config.provider, config.baseUrl);
  if (config.provider === 'anthropic') {
    options.max_tokens = 4096;
    // Lets the prompt's cache breakpoints through; BAML drops role metadata a client does not allow.
    options.allowed_role_metadata = ['cache_control'];
  }
  registry.addLlmClient(CLIENT_NAME, bamlProvider[config.provider], options);
  registry.setPrimary(CLIENT_NAME);
  return registry;
}
