// Writes the README's "Context" section (between <!-- context:start --> and <!-- context:end -->):  npx tsx bench/context-sample.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { CONTEXT_END, CONTEXT_START, contextSection } from './lib/context-sample.js';

const readmeUrl = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmeUrl, 'utf8');
const start = readme.indexOf(CONTEXT_START);
const end = readme.indexOf(CONTEXT_END);
if (start === -1 || end === -1 || end < start) {
  console.error(`README.md has no ${CONTEXT_START} … ${CONTEXT_END} section: add both markers under "## Context", then run this again.`);
  process.exit(1);
}
writeFileSync(readmeUrl, `${readme.slice(0, start + CONTEXT_START.length)}\n${contextSection()}\n${readme.slice(end)}`);
console.log('README.md: Context section updated');
