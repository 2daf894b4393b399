// The Triage Assistant's prompt cases: for each of its BAML tests, the same named asserts as TypeScript predicates,
// and a recorded model output the offline test replays through BAML's parser.
import type { Step } from '../../core/agent.js';

export interface PromptCase {
  /** Raw text a model returned for this case (recorded), parsed offline with `b.parse`. */
  recorded: string;
  asserts: Record<string, (step: Step) => boolean>;
}

export const triageAssistantCases: Record<string, PromptCase> = {
  NewIssueSearchesForDuplicatesFirst: {
    recorded: '{"intent": "search_issues", "query": "fridge empty"}',
    asserts: { searches: (s) => s.intent === 'search_issues' },
  },
  ChangedByHumanStops: {
    recorded: '```json\n{"intent": "done_for_now", "message": "OPS-50 was changed by a human after it was created; I wrote nothing."}\n```',
    asserts: { stops: (s) => s.intent === 'done_for_now' },
  },
};
