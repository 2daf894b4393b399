// Figure 11's script: what the stub model plays for a thread of the real Linear Assistant in `hardway serve`, against
// the embedded workspace seeded from workspace.seed.json. The teams, states and labels are prefetched into the
// thread (the production default); then two reads, an issue that waits for approval (the servers run with
// APPROVAL_INTENTS=create_issue), the answer. Pure data, like email-triage.ts.
import type { ModelStep } from './email-triage.js';

/** What the stub looks for in a thread's first message: `[scale:<key>]`, the key naming the thread for the checks. */
export const SCALE_MARKER = '[scale:';

export function scaleMessage(key: string): string {
  return [
    `${SCALE_MARKER}${key}] Fridge restock`,
    '',
    'Hi, could you make an issue for Austin on the Operations team to restock the kitchen fridges this week?',
    'There may already be one about the fridges. Thanks, Dana',
  ].join('\n');
}

/** The key in a prompt's text, or undefined when it is not one of figure 11's threads. */
export function scaleKey(text: string): string | undefined {
  const at = text.indexOf(SCALE_MARKER);
  if (at === -1) return undefined;
  const end = text.indexOf(']', at);
  return end === -1 ? undefined : text.slice(at + SCALE_MARKER.length, end);
}

export const scaleSteps: readonly ModelStep[] = [
  { kind: 'tool', tool: 'list_users', args: { team_id: 'OPS' } },
  { kind: 'tool', tool: 'search_issues', args: { query: 'fridges', team_id: 'OPS' } },
  {
    kind: 'tool',
    tool: 'create_issue',
    args: { issue: { title: 'Restock the kitchen fridges', description: 'Requested by Dana Kim by email.', team_id: 'OPS', assignee_id: 'austin@company.com', priority: 3 } },
  },
  { kind: 'final', message: 'Made an issue for Austin Rivera on Operations to restock the kitchen fridges.' },
];

/** Model calls per thread of figure 11. */
export const SCALE_MODEL_STEPS = scaleSteps.length;

/** The first step whose result the prompt does not hold yet (prefetched results are not the model's steps). */
export function scaleStepAfter(prompt: string): ModelStep {
  const step = scaleSteps.find((s) => s.kind === 'final' || !prompt.includes(`</${s.tool}_result>`));
  if (step === undefined) throw new Error('empty script');
  return step;
}
