// `hardway`: serve the assistant, run one request in the terminal, inspect or answer threads, and evaluate prompts.
import { Command } from 'commander';
import { readConfig } from '../app/config.js';
import { bamlLogLevel } from '../llm/baml-log.js';

// Before anything loads BAML, which reads it once.
process.env.BAML_LOG = bamlLogLevel(process.env);

const program = new Command('hardway').description('12-factor agents: the Linear Assistant and its service');

program
  .command('serve')
  .description('serve the HTTP API, webhooks and workers (what `npm start` runs)')
  .addHelpText(
    'after',
    `
SIGTERM or SIGINT stops it gracefully (exit 0); a second one during the stop exits at once (143 / 130).`,
  )
  .action(async () => {
    const { serve } = await import('./serve.js');
    await serve(readConfig(process.env));
  });

program
  .command('run')
  .description('start a thread with a message and follow it here; questions and approvals are asked in the terminal')
  .argument('<message...>', 'what you want done')
  .option('--from <who>', 'who is asking', process.env.USER ? `${process.env.USER}@localhost` : 'cli@localhost')
  .addHelpText(
    'after',
    `
Answers can be piped in, one line per question or approval:
  echo "Operations" | hardway run "make an issue about the printer"

Exit codes: 0 done; 1 failed or an error; 3 the thread is waiting for an answer that was not given (the input
ended, or an empty answer): it says how to answer later (hardway respond / approve / deny).`,
  )
  .action(async (words: string[], options: { from: string }) => {
    const { runInTerminal } = await import('./run.js');
    process.exitCode = await runInTerminal(readConfig(process.env), words.join(' '), options.from);
  });

program
  .command('threads')
  .description('list threads, newest first')
  .option('--status <status>', 'only threads with this status')
  .option('--limit <n>', 'how many', '20')
  .action(async (options: { status?: string; limit: string }) => {
    const { listThreads } = await import('./inspect.js');
    await listThreads(readConfig(process.env), options);
  });

program
  .command('show')
  .description('a thread’s events, with tokens and latency per model step')
  .argument('<id>')
  .action(async (id: string) => {
    const { showThread } = await import('./inspect.js');
    await showThread(readConfig(process.env), id);
  });

program
  .command('respond')
  .description('answer a thread that is waiting for a human')
  .argument('<id>')
  .argument('<message...>')
  .option('--from <who>', 'who is answering (recorded with the answer)')
  .action(async (id: string, words: string[], options: { from?: string }) => {
    const { answer } = await import('./inspect.js');
    await answer(readConfig(process.env), id, { type: 'response', message: words.join(' '), channel: 'cli', ...(options.from ? { from: options.from } : {}) });
  });

program
  .command('approve')
  .description('approve the operation a thread is waiting on')
  .argument('<id>')
  .argument('[comment...]')
  .option('--from <who>', 'who decides (recorded with the decision)', 'cli')
  .action(async (id: string, words: string[], options: { from: string }) => {
    const { answer } = await import('./inspect.js');
    await answer(readConfig(process.env), id, { type: 'approval', approved: true, channel: 'cli', by: options.from, ...(words.length ? { comment: words.join(' ') } : {}) });
  });

program
  .command('deny')
  .description('deny the operation a thread is waiting on; the reason goes back to the model')
  .argument('<id>')
  .argument('[reason...]')
  .option('--from <who>', 'who decides (recorded with the decision)', 'cli')
  .action(async (id: string, words: string[], options: { from: string }) => {
    const { answer } = await import('./inspect.js');
    await answer(readConfig(process.env), id, { type: 'approval', approved: false, channel: 'cli', by: options.from, ...(words.length ? { comment: words.join(' ') } : {}) });
  });

program
  .command('retry')
  .description('try a failed or escalated thread again, from where it stopped')
  .argument('<id>')
  .action(async (id: string) => {
    const { answer } = await import('./inspect.js');
    await answer(readConfig(process.env), id, { type: 'retry', channel: 'cli', by: 'cli' });
  });

program
  .command('replay')
  .description('fork a thread at a seq, run the fork under the current prompt and model, and print where its steps diverge')
  .argument('<id>', 'the thread to replay (it is never changed)')
  .requiredOption('--from <seq>', 'copy the events up to this seq, then run')
  .option('--provider <provider>', 'model provider for the replay (openai, anthropic, openai-compatible)')
  .option('--model <model>', 'model for the replay')
  .option('--base-url <url>', 'base URL for the replay model')
  .option('--live', 'send mutations (create/update/comment) for real; default is a dry run that records them unsent')
  .option('--json', 'print the divergence report as JSON')
  .action(async (id: string, options: { from: string; provider?: string; model?: string; baseUrl?: string; live?: boolean; json?: boolean }) => {
    const { replayInTerminal } = await import('./replay.js');
    process.exitCode = await replayInTerminal(readConfig(process.env), id, options);
  });

const collect = (value: string, all: string[]): string[] => [...all, value];

program
  .command('export')
  .description('print a thread as an eval case (JSON): its events up to a model step, that step, and what to assert')
  .argument('<thread>')
  .option('--upto <seq>', 'the last model step at or before this seq (default: the last model step)')
  .option('--expect-intent <intent>', 'the step must have this intent (default, with no other assertion: the intent taken)')
  .option('--require <path=value>', 'a field of the step must hold this value, e.g. issue.team_id=OPS (repeatable)', collect, [])
  .option('--forbid-intent <intent>', 'the step must not have this intent (repeatable)', collect, [])
  .option('--name <name>', 'the case\'s name')
  .addHelpText('after', '\n  hardway export thr_… --upto 7 --expect-intent create_issue > evals/cases/my-case.json')
  .action(async (id: string, options: { upto?: string; expectIntent?: string; require: string[]; forbidIntent: string[]; name?: string }) => {
    const { exportThread } = await import('./export-case.js');
    await exportThread(readConfig(process.env), id, options);
  });

program
  .command('eval')
  .description('run the eval cases and BAML prompt tests against models (or offline, on the recorded replies)')
  .option('--provider <provider>', 'a model to ask, with --model (repeatable, in pairs)', collect, [])
  .option('--model <model>', 'the model of the --provider before it', collect, [])
  .option('--base-url <url>', 'one for all models, or one per model', collect, [])
  .option('--cases <dir>', 'where the cases are', 'evals/cases')
  .option('--concurrency <n>', 'model calls at once', '4')
  .option('--runs <n>', 'ask each model each case this many times (offline: once)', process.env.EVAL_RUNS ?? '1')
  .option('--threshold <rate>', 'the pass rate every model must reach, 0 to 1', '0.9')
  .option('--offline', 'no model: the recorded replies through the parser and the assertions', false)
  .option('--no-prompt-tests', 'only the cases, not the BAML prompt tests')
  .option('--results <dir>', 'where the results JSON goes', 'evals/results')
  .addHelpText('after', `
With no --provider it asks the configured model (LLM_*), or runs offline when none is configured.
Exit codes: 0 every model reached the threshold; 1 one did not, or an error.
`)
  .action(async (options: { provider: string[]; model: string[]; baseUrl: string[]; cases: string; concurrency: string; runs: string; threshold: string; offline: boolean; promptTests: boolean; results: string }) => {
    const { evalCommand } = await import('./eval.js');
    process.exitCode = await evalCommand(readConfig(process.env), options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
