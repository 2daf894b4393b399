// Runs in every test file (vitest setupFiles): a process a file started and did not stop fails that file.
import { afterAll } from 'vitest';
import { killSurvivors } from './children.js';

afterAll(() => {
  const left = killSurvivors();
  if (left.length > 0) throw new Error(`this file left processes running (now killed):\n${left.join('\n')}`);
});
