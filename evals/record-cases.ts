// Writes the committed cases in evals/cases/ again: the scripted scenario of test/evals/scenario.ts, run through
// the real loop against the stub model, exported at its create_issue step and at its last step.
//   npx tsx evals/record-cases.ts
import { writeFileSync } from 'node:fs';
import { exportCase } from '../src/evals/export-case.js';
import { startStubLlm } from '../test/support/stub-llm.js';
import { runScenario, stepSeq } from '../test/evals/scenario.js';

const llm = await startStubLlm();
try {
  const { thread } = await runScenario(llm);
  const exportedAt = new Date().toISOString();
  const cases = [
    exportCase(thread, {
      name: 'fridge-request-creates-the-issue',
      upto: stepSeq(thread.events, 'create_issue'),
      assert: { intent: 'create_issue', require: [{ path: 'issue.team_id', equals: 'OPS' }, { path: 'issue.assignee_id', equals: 'austin@company.com' }] },
      exportedAt,
    }),
    exportCase(thread, { name: 'fridge-request-done-after-creating', assert: { intent: 'done_for_now', forbidIntents: ['create_issue'] }, exportedAt }),
  ];
  for (const c of cases) writeFileSync(new URL(`cases/${c.name}.json`, import.meta.url), `${JSON.stringify(c, null, 2)}\n`);
  console.log(cases.map((c) => `evals/cases/${c.name}.json`).join('\n'));
} finally {
  await llm.close();
}
