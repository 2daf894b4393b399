// Replaces the README's Performance table (between <!-- bench:start --> and <!-- bench:end -->) with the last
// full run's table, bench/results/latest.md. Run after `npm run bench`:  npx tsx bench/update-readme.ts
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const readmeUrl = new URL('../README.md', import.meta.url);
const table = readFileSync(new URL('./results/latest.md', import.meta.url), 'utf8').trim();
const readme = readFileSync(readmeUrl, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start === -1 || end === -1 || end < start) {
  console.error(`README.md has no ${START} … ${END} section: add both markers under "## Performance", then run this again.`);
  process.exit(1);
}
writeFileSync(readmeUrl, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
console.log('README.md: Performance table updated from bench/results/latest.md');
