// Reads the .eml fixtures in test/fixtures/email.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/email/${name}`, import.meta.url)));
}
