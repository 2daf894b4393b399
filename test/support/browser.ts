// A real browser for UI tests: the distribution's Chromium (Debian's `chromium` package) driven by playwright-core,
// which downloads nothing. Headless, no sandbox when root (Chromium refuses to sandbox as root), one per suite.
//
//   if (!browserAvailable()) return;            // skipped loudly — failed under CI=true
//   const browser = await startBrowser();
//   const page = await browser.newPage();
//   …
//   await browser.close();
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium binary: `CHROMIUM_PATH` when set, else the first on PATH or in the usual places. */
export function findChromium(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') return existsSync(given) ? given : undefined;
  const fromPath = (process.env.PATH ?? '').split(':').flatMap((dir) => ['chromium', 'chromium-browser'].map((name) => join(dir, name)));
  return [...fromPath, ...candidates].find((p) => existsSync(p));
}

/**
 * Whether the browser tests can run. In CI a missing browser is a failure, not a skip: a green run must mean the
 * pages were driven in a real browser.
 */
export function browserAvailable(): boolean {
  if (findChromium() !== undefined) return true;
  const message = 'Chromium not found: install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n!!!!!!!!\n!!! SKIPPING the browser tests. ${message}.\n!!!!!!!!\n`);
  return false;
}

export async function startBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('Chromium not found');
  const asRoot = process.getuid?.() === 0;
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...(asRoot ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  });
}
