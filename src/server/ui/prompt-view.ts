// A stored prompt as the thread page shows it: the part shared with the previous prompt and the new tail.
import type { StoredPrompt } from '../../store/thread-store.js';

export interface PromptView {
  seq: number;
  sha256: string;
  length: number;
  prefixLength: number;
  previousSeq?: number;
  tail: string;
  /** The whole body, only for the step the page was asked to open: a page of 500 steps must not carry them all. */
  body?: string;
}

export function promptView(prompt: StoredPrompt, whole = false): PromptView {
  return {
    seq: prompt.seq,
    sha256: prompt.sha256,
    length: prompt.body.length,
    prefixLength: prompt.prefixLength,
    ...(prompt.previousSeq === undefined ? {} : { previousSeq: prompt.previousSeq }),
    tail: prompt.body.slice(prompt.prefixLength),
    ...(whole ? { body: prompt.body } : {}),
  };
}
