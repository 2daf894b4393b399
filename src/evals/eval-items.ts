// What one eval run asks of every model: the exported cases (context rendered now, from their events, with the
// agent's current renderer) and the agents' BAML prompt tests (their context fixed in baml_src), each with the
// reply recorded for it and its named assertions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Step } from '../core/agent.js';
import { ContextBuilder } from '../core/context-builder.js';
import { HardwayError } from '../core/errors.js';
import type { Upcasters } from '../core/upcast.js';
import { checkAssertions, type AssertionFailure } from './assertions.js';
import { readBamlTests } from './baml-tests.js';
import type { EvalAgent } from './eval-agents.js';
import { caseEvents, parseEvalCase, type EvalCase } from './eval-case.js';

export interface EvalItem {
  name: string;
  kind: 'case' | 'prompt_test';
  agent: EvalAgent;
  /** The thread as the model reads it. */
  context: string;
  /** The reply recorded for it, for the offline mode. */
  recorded: string;
  check(step: Step): AssertionFailure[];
}

/** Every `*.json` under `dir`, parsed; a file that is not a case is an error naming the file. */
export function readCases(dir: string): EvalCase[] {
  if (!existsSync(dir)) throw new HardwayError('invalid_input', `no cases directory ${dir} (export one with: hardway export <thread> > ${join(dir, 'my-case.json')})`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const read = parseEvalCase(readFileSync(join(dir, file), 'utf8'));
      if (!read.ok) throw new HardwayError('invalid_input', `${join(dir, file)} is not an eval case: ${read.problem}`);
      return read.case;
    });
}

export function caseItem(c: EvalCase, agents: ReadonlyMap<string, EvalAgent>, upcasters?: Upcasters): EvalItem {
  const agent = agents.get(c.agent);
  if (agent === undefined) throw new HardwayError('invalid_input', `case ${c.name}: no agent "${c.agent}" (agents: ${[...agents.keys()].join(', ')})`);
  // The loop's own context builder: the case sees the prompt a thread would get today.
  const context = new ContextBuilder(agent.definition.render).render(caseEvents(c, upcasters));
  return { name: c.name, kind: 'case', agent, context, recorded: c.step.raw, check: (step) => checkAssertions(step, c.assert) };
}

/** The BAML tests of each agent's step function that have TypeScript assertions (`AgentEvals.promptCases`). */
export function promptTestItems(agents: ReadonlyMap<string, EvalAgent>): EvalItem[] {
  const tests = readBamlTests();
  return [...agents.values()].flatMap((agent) => {
    const evals = agent.evals;
    if (evals === undefined) return [];
    return tests
      .filter((t) => t.functionName === evals.functionName)
      .flatMap((t): EvalItem[] => {
        const c = Object.hasOwn(evals.promptCases, t.name) ? evals.promptCases[t.name] : undefined;
        if (c === undefined) return [];
        const check = (step: Step): AssertionFailure[] =>
          Object.entries(c.asserts).flatMap(([name, holds]) => (holds(step) ? [] : [{ name, detail: `${name} does not hold for ${step.intent}` }]));
        return [{ name: t.name, kind: 'prompt_test', agent, context: t.thread, recorded: c.recorded, check }];
      });
  });
}
