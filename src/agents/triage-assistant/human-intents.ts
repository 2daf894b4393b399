// The Triage Assistant's intents that hand its thread to a human.
import type { HumanIntents } from '../../core/thread.js';

export const triageAssistantIntents = {
  ask: ['request_approval'],
  done: ['done_for_now'],
  approval: ['request_approval'],
} as const satisfies HumanIntents;
