// A stored prompt as the thread page shows it: the part shared with the previous prompt and the new tail.
import type { StoredPrompt } from '../../store/thread-store.js';

export interface PromptView {
  seq: number;
  sha256: string;
  length: number;
  prefixLength: number;
  previousSeq?: number;
  tail: string;
}

export function promptView(prompt: StoredPrompt): PromptView {
  return {
    seq: prompt.seq,
    sha256: prompt.sha256,
    length: prompt.body.length,
    prefixLength: prompt.prefixLength,
    ...(prompt.previousSeq === undefined ? {} : { previousSeq: prompt.previousSeq }),
    tail: prompt.body.slice(prompt.prefixLength),
  };
}
