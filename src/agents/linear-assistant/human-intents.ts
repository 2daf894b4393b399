// The Linear Assistant's intents that hand its thread to a human: the core learns them from its definition only.
import type { HumanIntents } from '../../core/thread.js';

export const linearAssistantIntents = {
  ask: ['request_more_information', 'request_approval'],
  done: ['done_for_now'],
  // Asking "shall I go ahead?" in words: an approver's decision answers it as an approval.
  approval: ['request_approval'],
} as const satisfies HumanIntents;
