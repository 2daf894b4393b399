// The peers live in bench/peers with their own package.json and lock file, so they never become dependencies of
// the product. `npm run bench` installs them on first use; tests only use them when already installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBenchSystem, type BenchSystem } from './system.js';

export const peersDir = fileURLToPath(new URL('../peers/', import.meta.url));
export const peerModules = ['langgraph', 'openai-agents'] as const;

export function peersInstalled(): boolean {
  return existsSync(join(peersDir, 'node_modules', '.package-lock.json'));
}

/**
 * `npm install --prefix bench/peers`. better-sqlite3 13 (under LangGraph's SQLite checkpointer; pinned over the
 * 12.x it asks for, whose destructor aborts Node 24 at exit) ships its binaries in the package; should it ever
 * compile instead, node-gyp gets the headers of the Node that runs us.
 */
export function installPeers(log: (line: string) => void): { ok: true } | { ok: false; reason: string } {
  log(`installing the peers into ${peersDir} (once, about 15 s)…`);
  const nodeDir = dirname(dirname(process.execPath));
  const env = { ...process.env };
  if (existsSync(join(nodeDir, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodeDir;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', peersDir, '--no-audit', '--no-fund'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) return { ok: false, reason: `npm install failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' | ')}` };
  return { ok: true };
}

export async function loadPeers(): Promise<{ systems: BenchSystem[]; problems: string[] }> {
  const systems: BenchSystem[] = [];
  const problems: string[] = [];
  for (const name of peerModules) {
    try {
      // A computed specifier: the root typecheck must not follow it into a package it does not have.
      const loaded: unknown = await import(pathToFileURL(join(peersDir, `${name}.ts`)).href);
      const system = typeof loaded === 'object' && loaded !== null ? (loaded as { system?: unknown }).system : undefined;
      if (!isBenchSystem(system)) throw new Error(`bench/peers/${name}.ts exports no \`system\``);
      systems.push(system);
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { systems, problems };
}
