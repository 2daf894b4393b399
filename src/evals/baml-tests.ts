// Reads the prompt tests in baml_src/*.baml (name, thread argument, named asserts) so the offline tests and the
// live eval run exactly the cases the BAML playground shows, from one source.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface BamlTestCase {
  name: string;
  functionName: string;
  thread: string;
  asserts: string[];
}

const bamlDir = fileURLToPath(new URL('../../baml_src/', import.meta.url));

/** BAML strips the common indentation of a block string; so do we. */
function dedent(block: string): string {
  const lines = block.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function readBamlTests(): BamlTestCase[] {
  const cases: BamlTestCase[] = [];
  for (const file of readdirSync(bamlDir).filter((f) => f.endsWith('.baml'))) {
    const text = readFileSync(join(bamlDir, file), 'utf8');
    for (const match of text.matchAll(/^test (\w+) \{([\s\S]*?)^\}/gm)) {
      const [, name, body] = match;
      if (name === undefined || body === undefined) continue;
      const functionName = /functions \[(\w+)\]/.exec(body)?.[1] ?? '';
      const thread = /thread #"([\s\S]*?)"#/.exec(body)?.[1] ?? '';
      const asserts = [...body.matchAll(/@@assert\((\w+),/g)].map((m) => m[1] ?? '');
      cases.push({ name, functionName, thread: dedent(thread), asserts });
    }
  }
  return cases;
}
