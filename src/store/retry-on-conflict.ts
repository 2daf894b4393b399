// The one retry-on-conflict: a writer whose append named the seq it read re-reads and re-decides, a bounded
// number of times, when someone else wrote first. Any other failure is not retried.
import { HardwayError } from '../core/errors.js';

export const MAX_CONFLICT_RETRIES = 5;

/** Runs `attempt` (load → decide → append) again after each concurrency conflict, at most `retries` more times. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, retries: number = MAX_CONFLICT_RETRIES): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!HardwayError.isInstance(error, 'concurrency_conflict') || tries >= retries) throw error;
    }
  }
}
