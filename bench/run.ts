// `npm run bench`: Hardway against LangGraph.js and the OpenAI Agents SDK on one scenario, one stub model, one
// machine. Prints one table and writes bench/results/latest.{json,md} (git keeps the history).
//
//   npm run bench                      the full run (installs bench/peers on first use)
//   npm run bench -- --quick           tiny sizes, results in bench/results/quick.{json,md}.tmp
//   npm run bench -- --hardway-only    no peers;  --no-install: peers only if already installed;
//                                      --no-postgres: skip the PostgreSQL intake
//   npm run bench -- --only 8          just these figures (comma-separated; 1–4 come from the same runs)
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Before BAML loads: a failed parse would otherwise print whole prompts.
process.env.BAML_LOG ??= 'error';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'hardway-only': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
    'no-install': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const { fullOptions, quickOptions, runBench } = await import('./lib/bench.js');
const { renderMarkdown } = await import('./lib/report.js');

const base = values.quick ? quickOptions : fullOptions;
const args = process.argv.slice(2);
const report = await runBench({
  ...base,
  command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  peers: values['hardway-only'] ? 'skip' : values['no-install'] ? 'auto' : 'install',
  postgres: !values['no-postgres'],
  ...(values.only ? { only: new Set(values.only.split(',').map((f) => f.trim())) } : {}),
  log: (line) => console.error(`[bench] ${line}`),
});

const markdown = renderMarkdown(report);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
// Quick and partial runs are for trying things: their files are git-ignored (*.tmp) and never replace the real table.
const [json, md] = values.quick ? ['quick.json.tmp', 'quick.md.tmp'] : values.only ? ['only.json.tmp', 'only.md.tmp'] : ['latest.json', 'latest.md'];
writeFileSync(new URL(json, dir), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL(md, dir), markdown);
console.log(markdown);
console.error(`[bench] wrote bench/results/${json} and ${md} in ${report.elapsedSec.toFixed(0)} s`);
