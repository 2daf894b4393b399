// `hardway export` and `hardway eval` as a person runs them, as real processes: a scenario thread exported to a
// case file, then evaluated with the BAML prompt tests against two scripted OpenAI-compatible models at once — one
// answering right, one wrong — printing a column for each, and exiting by the threshold.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearAssistantCases } from '../../src/agents/linear-assistant/prompt-cases.js';
import { triageAssistantCases } from '../../src/agents/triage-assistant/prompt-cases.js';
import { readBamlTests } from '../../src/evals/baml-tests.js';
import { parseEvalCase } from '../../src/evals/eval-case.js';
import { startStubLlm, type StubLlm, type StubRequest } from '../support/stub-llm.js';
import { seedFile } from '../support/workspace.js';
import { runHardway, type CliRun } from '../support/hardway-cli.js';
import { createIssueStep, runScenario, stepSeq } from './scenario.js';

let right: StubLlm;
let wrong: StubLlm;
let dir: string;

beforeAll(async () => {
  [right, wrong] = await Promise.all([startStubLlm(), startStubLlm()]);
  dir = mkdtempSync(join(tmpdir(), 'hardway-evals-'));
});
afterAll(async () => {
  await Promise.all([right.close(), wrong.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const price = { input: 2, cachedInput: 0.5, cacheWrite: 2, output: 8 };

function hardway(args: string[]): Promise<CliRun> {
  return runHardway(args, {
    DATABASE_URL: join(dir, 'hardway.sqlite'),
    LINEAR_WORKSPACE_FILE: join(dir, 'workspace.sqlite'),
    LINEAR_SEED_FILE: seedFile,
    LLM_MAX_RETRIES: '0',
    LLM_PRICES: JSON.stringify({ right: price, wrong: price }),
  });
}

const promptTests = readBamlTests();
const triageTests = promptTests.filter((t) => t.functionName === 'DetermineTriageStep');
const recordedFor = (name: string): string | undefined => linearAssistantCases[name]?.recorded ?? triageAssistantCases[name]?.recorded;
const isTriagePrompt = (request: StubRequest): boolean => request.prompt.includes('You are the Triage Assistant');

// Both report part of each prompt as read from their cache, so the cached column carries a number.
const cached = { cached_tokens: 128 };

/** Answers each prompt test with its recorded right answer, and the fridge request by creating the issue. */
const answersRight = (request: StubRequest) => {
  const test = promptTests.find((t) => request.prompt.includes(t.thread));
  const recorded = test === undefined ? undefined : recordedFor(test.name);
  const content = recorded ?? (request.prompt.includes('restock the fridges') ? createIssueStep : { intent: 'done_for_now', message: 'unexpected prompt' });
  return { content, usage: cached };
};
/** Asks the person back; to the Triage Assistant (which cannot ask) it says it is done, missing the duplicate search. */
const answersWrong = (request: StubRequest) => ({
  content: isTriagePrompt(request) ? { intent: 'done_for_now', message: 'Nothing to triage.' } : { intent: 'request_more_information', message: 'What would you like me to do?' },
  usage: cached,
});

describe('hardway export and hardway eval', () => {
  const cases = () => join(dir, 'cases');

  it('export: prints the thread as a v1 case with the flags as assertions; a thread without that step is a clear error', async () => {
    const { id, thread } = await runScenario(right, { DATABASE_URL: join(dir, 'hardway.sqlite'), LLM_PRICES: JSON.stringify({ stub: price }) });
    const seq = stepSeq(thread.events, 'create_issue');
    const out = await hardway(['export', id, '--upto', String(seq), '--expect-intent', 'create_issue', '--require', 'issue.team_id=OPS', '--forbid-intent', 'update_issue', '--name', 'fridge']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const read = parseEvalCase(out.stdout);
    if (!read.ok) throw new Error(read.problem);
    expect(read.case).toMatchObject({
      version: 1,
      name: 'fridge',
      source: { thread: id },
      step: { seq, intent: 'create_issue' },
      assert: { intent: 'create_issue', require: [{ path: 'issue.team_id', equals: 'OPS' }], forbidIntents: ['update_issue'] },
    });
    mkdirSync(cases(), { recursive: true });
    writeFileSync(join(cases(), 'fridge.json'), out.stdout);

    const none = await hardway(['export', id, '--upto', '1']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`thread ${id} has no model step at or before seq 1`);
  }, 60_000);

  it('eval against two models at once: a column each, pass/fail with the failed assertion, tokens and cost; exit 1 below the threshold', async () => {
    right.reset();
    wrong.reset();
    const items = 1 + promptTests.length;
    right.script(...Array.from({ length: items }, () => answersRight));
    wrong.script(...Array.from({ length: items }, () => answersWrong));
    const results = join(dir, 'results');
    const out = await hardway([
      'eval',
      '--provider', 'openai-compatible', '--model', 'right', '--base-url', right.baseUrl,
      '--provider', 'openai-compatible', '--model', 'wrong', '--base-url', wrong.baseUrl,
      '--cases', cases(), '--results', results, '--concurrency', '3',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    expect(right.requests).toHaveLength(items);
    expect(wrong.requests).toHaveLength(items);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^case\s+kind\s+right \(openai-compatible\)\s+wrong \(openai-compatible\)$/);
    const fridge = lines.find((l) => l.startsWith('fridge '));
    expect(fridge).toMatch(/ case +pass {2}\d+ ms {2}\d+\/128\/\d+ tok {2}\$0\.\d{6} +FAIL intent, require issue\.team_id {2}\d+ ms {2}\d+\/128\/\d+ tok {2}\$0\.\d{6}$/);
    expect(lines.find((l) => l.startsWith('TeamIDErrorAsksForMoreInput '))).toMatch(/prompt_test +pass .* FAIL lists_teams /);
    expect(out.stdout).toContain('fridge × wrong (openai-compatible): intent: expected create_issue, got request_more_information');
    expect(out.stdout).toContain('fridge × wrong (openai-compatible): require issue.team_id: expected "OPS", got nothing');
    expect(lines.find((l) => l.startsWith('total '))).toMatch(new RegExp(`${items}/${items} passed \\(100\\.0%\\)  \\d+/${128 * items}/\\d+ tok  \\$0\\.\\d{6}  median \\d+ ms +\\d/${items} passed`));
    expect(out.stdout).toContain('below the threshold of 90.0%: wrong (openai-compatible)');

    const [file] = readdirSync(results);
    const written: unknown = JSON.parse(readFileSync(join(results, file ?? ''), 'utf8'));
    expect(written).toMatchObject({
      models: [{ label: 'right (openai-compatible)', model: 'right' }, { label: 'wrong (openai-compatible)', model: 'wrong' }],
      summary: { threshold: 0.9, belowThreshold: ['wrong (openai-compatible)'], models: [{ passed: items, total: items }, { total: items }] },
    });
    expect(right.scriptErrors).toEqual([]);
  }, 120_000);

  it('eval runs the Triage Assistant prompt tests through its own BAML function; one the model fails is FAIL for that case × model, by the assert name', async () => {
    right.reset();
    wrong.reset();
    const items = promptTests.length;
    right.script(...Array.from({ length: items }, () => answersRight));
    wrong.script(...Array.from({ length: items }, () => answersWrong));
    const none = join(dir, 'no-cases');
    mkdirSync(none, { recursive: true });
    const out = await hardway([
      'eval',
      '--provider', 'openai-compatible', '--model', 'right', '--base-url', right.baseUrl,
      '--provider', 'openai-compatible', '--model', 'wrong', '--base-url', wrong.baseUrl,
      '--cases', none, '--results', join(dir, 'triage-results'), '--concurrency', '2',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    expect(triageTests.map((t) => t.name).sort()).toEqual(['ChangedByHumanStops', 'NewIssueSearchesForDuplicatesFirst']);
    // Each model was sent each Triage test once, with the Triage Assistant's prompt.
    expect(right.requests.filter(isTriagePrompt)).toHaveLength(triageTests.length);
    expect(wrong.requests.filter(isTriagePrompt)).toHaveLength(triageTests.length);
    const lines = out.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('NewIssueSearchesForDuplicatesFirst '))).toMatch(/ prompt_test +pass {2}\d+ ms .* FAIL searches {2}\d+ ms /);
    expect(lines.find((l) => l.startsWith('ChangedByHumanStops '))).toMatch(/ prompt_test +pass {2}\d+ ms .* pass {2}\d+ ms /);
    expect(out.stdout).toContain('NewIssueSearchesForDuplicatesFirst × wrong (openai-compatible): searches: searches does not hold for done_for_now');
    expect(out.stdout).not.toMatch(/(NewIssueSearchesForDuplicatesFirst × right|ChangedByHumanStops × )/);
    expect(right.scriptErrors).toEqual([]);
  }, 120_000);

  it('eval --offline: the recorded replies through the parser and the assertions, no model asked; exit 0', async () => {
    right.reset();
    const results = join(dir, 'offline-results');
    const out = await hardway(['eval', '--offline', '--cases', cases(), '--results', results]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[0]).toMatch(/^case\s+kind\s+offline \(recorded\)$/);
    expect(out.stdout).toMatch(/^fridge +case +pass$/m);
    for (const t of triageTests) expect(out.stdout).toMatch(new RegExp(`^${t.name} +prompt_test +pass$`, 'm'));
    expect(out.stdout).toContain(`${1 + promptTests.length}/${1 + promptTests.length} passed (100.0%)  recorded replies, no model calls`);
    expect(right.requests).toHaveLength(0);
    expect(existsSync(results)).toBe(true);
  }, 60_000);
});
