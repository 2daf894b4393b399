// BAML's own log level for this process. BAML prints the whole prompt (the thread, people's words, tool results)
// for every failed call at `warn` and for every call at `info`, past our logger and its redaction; so prompts reach
// the logs only when someone asks for them: LOG_PROMPTS=true, or a BAML_LOG of their own.

type Env = Record<string, string | undefined>;

/** `error` prints neither prompts nor replies (checked against the real runtime in test/security). */
export const quietBamlLog = 'error';

export function bamlLogLevel(env: Env): string {
  const chosen = env.BAML_LOG?.trim();
  if (chosen) return chosen;
  return /^(?:true|1)$/i.test(env.LOG_PROMPTS?.trim() ?? '') ? 'info' : quietBamlLog;
}
