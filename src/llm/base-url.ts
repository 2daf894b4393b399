// LLM_BASE_URL as people write it → the base each BAML provider expects, so `/v1` is never doubled or missing.
//
// BAML's `openai` and `openai-generic` clients append `/chat/completions` to the base (which must end in the API
// version, e.g. `/v1`); its `anthropic` client appends `/v1/messages` (so the base must not). People copy either
// form from a provider's docs, so both are accepted: `http://host:port`, `http://host:port/`, `…/v1`, `…/v1/`.
import type { Provider } from './config.js';

export function normalizeBaseUrl(provider: Provider, baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  const origin = `${url.protocol}//${url.host}`;
  switch (provider) {
    case 'anthropic':
      return `${origin}${path.replace(/\/v1$/, '')}`;
    case 'openai':
    case 'openai-compatible':
      // Only a bare host gets `/v1`: other paths (`/openai/v1`, `/v1beta/openai`, a proxy's prefix) are the
      // provider's own and are kept as given.
      return `${origin}${path === '' ? '/v1' : path}`;
    default: {
      const unreachable: never = provider;
      throw new Error(`unknown provider ${String(unreachable)}`);
    }
  }
}
