// The request bodies the model steps of one run sent, held until the step that names each is appended: the store
// keeps each beside its event, so the inspector shows what was sent, not a later renderer's output.
import type { StepModel } from '../core/agent.js';
import type { NewEvent } from '../core/events.js';
import type { SentPrompt } from '../store/thread-store.js';

export class SentPrompts {
  private readonly bySha = new Map<string, string>();

  recording(model: StepModel): StepModel {
    return async (context, signal) => {
      const outcome = await model(context, signal);
      if (outcome.kind !== 'unavailable' && outcome.sent !== undefined && outcome.usage.promptSha256 !== undefined) {
        this.bySha.set(outcome.usage.promptSha256, outcome.sent.body);
      }
      return outcome;
    };
  }

  for(events: readonly NewEvent[]): SentPrompt[] {
    return events.flatMap((event) => {
      const sha = shaOf(event);
      const body = sha === undefined ? undefined : this.bySha.get(sha);
      // The key is the body's hash (the model boundary's, of the bytes sent): the store keeps it instead of rehashing.
      return body === undefined || sha === undefined ? [] : [{ eventId: event.id, body, sha256: sha }];
    });
  }

  /** After the append committed: a conflicted one keeps them for the events that are appended instead. */
  stored(events: readonly NewEvent[]): void {
    for (const event of events) {
      const sha = shaOf(event);
      if (sha !== undefined) this.bySha.delete(sha);
    }
  }
}

function shaOf(event: NewEvent): string | undefined {
  return event.type === 'step_decided' || event.type === 'step_rejected' ? event.data.usage?.promptSha256 : undefined;
}
