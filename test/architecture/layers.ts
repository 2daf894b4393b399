// The layer rules of src/ as a table, and a checker that reads every import (static, dynamic, re-export) of a set
// of files and names each one the table does not allow. DESIGN.md §8: arrows point down.
import { posix } from 'node:path';
import ts from 'typescript';

/** A folder of src/; `channels/*` and `agents/*` are one layer each, whatever the module's name. */
export const layers = ['core', 'store', 'llm', 'linear', 'support', 'telemetry', 'runtime', 'replay', 'channels', 'agents', 'server', 'app', 'evals', 'cli', 'baml_client'] as const;
export type Layer = (typeof layers)[number];

export interface Arrow {
  from: Layer;
  to: Layer;
  /** When given, only these files of `to` (its contracts) may be imported. */
  only?: readonly string[];
  why: string;
}

const storeContracts = ['thread-store.ts', 'retry-on-conflict.ts'];
const runtimeContracts = ['intake.ts', 'channel-module.ts', 'agent-module.ts'];

/**
 * The one module of `channels` every channel may import: helpers any channel needs (signing, secrets, the wake-up
 * signal). It imports no channel, so no channel reaches another through it.
 */
export const sharedChannelUnit = 'channels/shared';

/** Every arrow allowed between two different layers; an import inside one layer (one module) is always allowed. */
export const allowedArrows: readonly Arrow[] = [
  { from: 'store', to: 'core', why: 'adapters implement the core\'s contracts' },
  { from: 'llm', to: 'core', why: 'adapters implement the core\'s contracts' },
  { from: 'linear', to: 'core', why: 'adapters implement the core\'s contracts' },
  { from: 'support', to: 'core', why: 'logging redacts with the core\'s redactor' },
  { from: 'runtime', to: 'core', why: 'the worker runs the loop, the intake decides with the core' },
  { from: 'runtime', to: 'store', only: storeContracts, why: 'the runtime writes through the store contract only' },
  { from: 'runtime', to: 'support', why: 'logging' },
  { from: 'telemetry', to: 'core', why: 'the tracing port speaks of model outcomes and tool results' },
  { from: 'runtime', to: 'telemetry', only: ['tracing.ts', 'traced.ts'], why: 'the edges report through the tracing port, never the SDK' },
  { from: 'replay', to: 'core', why: 'a fork is the loop over copied events' },
  { from: 'replay', to: 'runtime', only: ['agent-module.ts', 'sent-prompts.ts', 'lease-keeper.ts'], why: 'a replay runs a registered agent, keeps its lease and its prompts as the worker does' },
  { from: 'replay', to: 'store', only: storeContracts, why: 'the fork is written through the store contract only' },
  { from: 'replay', to: 'support', why: 'logging' },
  ...(['channels', 'agents'] as const).flatMap((from): Arrow[] => [
    { from, to: 'core', why: 'events, decisions, ids' },
    { from, to: 'runtime', only: runtimeContracts, why: 'a module implements the runtime\'s contracts, never its internals' },
    { from, to: 'support', why: 'logging' },
    { from, to: 'store', why: 'an adapter the module uses' },
    { from, to: 'linear', why: 'an adapter the module uses' },
    { from, to: 'llm', why: 'an adapter the module uses' },
  ]),
  { from: 'agents', to: 'baml_client', why: 'an agent\'s prompt functions, generated from baml_src' },
  { from: 'server', to: 'core', why: 'errors, ids, rendering' },
  { from: 'server', to: 'runtime', why: 'the HTTP API calls the intake' },
  { from: 'server', to: 'support', why: 'logging' },
  { from: 'server', to: 'store', only: ['thread-store.ts'], why: 'the API lists threads through the store contract' },
  { from: 'server', to: 'replay', only: ['replayer.ts'], why: 'the API starts replays and reads their reports' },
  ...layers.filter((to) => to !== 'app' && to !== 'cli' && to !== 'evals').map((to): Arrow => ({ from: 'app', to, why: 'the composition root wires everything' })),
  ...(['core', 'store', 'llm', 'linear', 'runtime', 'agents', 'app'] as const).map((to): Arrow => ({ from: 'evals', to, why: 'an eval builds the agents as the composition root does and asks their models' })),
  { from: 'cli', to: 'evals', why: 'the export and eval commands' },
  { from: 'cli', to: 'app', why: 'commands run a composed process' },
  { from: 'cli', to: 'runtime', why: 'commands answer threads through the intake' },
  { from: 'cli', to: 'core', why: 'formatting events and threads' },
  { from: 'cli', to: 'support', why: 'logging' },
  { from: 'cli', to: 'replay', only: ['replayer.ts', 'divergence.ts'], why: 'the replay command prints its report' },
  { from: 'cli', to: 'llm', only: ['baml-log.ts'], why: 'BAML\'s log level must be set before anything loads BAML' },
];

export interface Violation {
  file: string;
  specifier: string;
  target: string;
  problem: string;
}

interface Place {
  layer: Layer;
  /** The module inside a layer of modules (`email` of channels/email), or the layer's name. */
  unit: string;
  /** The path inside the layer (or module). */
  rest: string;
}

function placeOf(path: string): Place | undefined {
  const parts = path.split('/');
  if (parts[0] === 'baml_client') return { layer: 'baml_client', unit: 'baml_client', rest: parts.slice(1).join('/') };
  if (parts[0] !== 'src' || parts.length < 3) return undefined;
  const layer = layers.find((l) => l === parts[1]);
  if (layer === undefined) return undefined;
  if (layer === 'channels' || layer === 'agents') {
    if (parts.length < 4) return undefined;
    return { layer, unit: `${layer}/${parts[2]}`, rest: parts.slice(3).join('/') };
  }
  return { layer, unit: layer, rest: parts.slice(2).join('/') };
}

/** Our imports of a file: the relative specifiers, of every kind TypeScript knows (import, export … from, import()). */
export function importsOf(source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
}

/** `files`: repository-relative paths (`src/…`) to their source text. */
export function layerViolations(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, source] of files) {
    const from = placeOf(file);
    for (const specifier of importsOf(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
      const problem = (() => {
        if (from === undefined) return `${file} is in no layer of the table`;
        const to = placeOf(target);
        if (to === undefined) return `${target} is in no layer of the table`;
        if (to.unit === from.unit) return undefined;
        if (to.unit === sharedChannelUnit && from.layer === 'channels') return undefined;
        if (to.layer === from.layer) return `${from.unit} imports another module, ${to.unit}`;
        const arrow = allowedArrows.find((a) => a.from === from.layer && a.to === to.layer);
        if (arrow === undefined) return `${from.layer} may not import ${to.layer}`;
        if (arrow.only !== undefined && !arrow.only.includes(to.rest)) return `${from.layer} may import only ${arrow.only.join(', ')} of ${to.layer}, not ${to.rest}`;
        return undefined;
      })();
      if (problem !== undefined) found.push({ file, specifier, target, problem });
    }
  }
  return found;
}
