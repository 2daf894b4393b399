// #11.1: the README's "Context" section is what bench/context-sample.ts generates from the code as it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_END, CONTEXT_START, contextSection } from '../../bench/lib/context-sample.js';

describe('#11.1: README "Context"', () => {
  it('#11.1: shows the step rendered under both profiles with the token counts the code gives today', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf(CONTEXT_START) + CONTEXT_START.length, readme.indexOf(CONTEXT_END)).trim();
    expect(section).toBe(contextSection());
    expect(section).toContain('<approval_requested>\n    step: create_issue\n');
  });
});
