// Which models an eval asks: `--provider P --model M [--base-url U]` pairs, else the configured model, else none
// (the offline mode). Each pair is read by the service's own settings reader, so keys and prices come as for a thread.
import { readLlmConfig, type LlmConfigResult } from '../llm/config.js';
import type { EvalTarget } from './run-evals.js';

export interface TargetFlags {
  provider: readonly string[];
  model: readonly string[];
  /** None (LLM_BASE_URL for a model of LLM_PROVIDER), one for every model, or one per model in order. */
  baseUrl: readonly string[];
  offline: boolean;
}

export const offlineLabel = 'offline (recorded)';

export function evalTargets(flags: TargetFlags, env: Readonly<Record<string, string | undefined>>, configured: LlmConfigResult): EvalTarget[] {
  if (flags.offline) return [{ kind: 'offline', label: offlineLabel }];
  if (flags.provider.length !== flags.model.length) {
    throw new Error(`give --provider and --model in pairs (got ${flags.provider.length} --provider, ${flags.model.length} --model)`);
  }
  if (flags.baseUrl.length > 1 && flags.baseUrl.length !== flags.model.length) {
    throw new Error(`give one --base-url for all models or one per model (got ${flags.baseUrl.length} for ${flags.model.length})`);
  }
  if (flags.provider.length === 0) {
    return configured.ok ? [{ kind: 'model', label: `${configured.config.model} (${configured.config.provider})`, llm: configured.config }] : [{ kind: 'offline', label: offlineLabel }];
  }
  const labels = new Set<string>();
  return flags.provider.map((provider, i) => {
    const model = flags.model[i] ?? '';
    const given = flags.baseUrl.length === 1 ? flags.baseUrl[0] : flags.baseUrl[i];
    // The pair replaces the configured model; LLM_BASE_URL is kept only for its own provider (an Ollama URL must not
    // become OpenAI's endpoint).
    const baseUrl = given ?? (provider === env.LLM_PROVIDER ? env.LLM_BASE_URL : undefined);
    const read = readLlmConfig({ ...env, LLM_PROVIDER: provider, LLM_MODEL: model, LLM_BASE_URL: baseUrl });
    if (!read.ok) throw new Error(`--provider ${provider} --model ${model}: ${read.problem}`);
    let label = `${model} (${provider})`;
    for (let n = 2; labels.has(label); n++) label = `${model} (${provider}) #${n}`;
    labels.add(label);
    return { kind: 'model', label, llm: read.config };
  });
}
