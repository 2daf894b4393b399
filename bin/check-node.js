// The Node.js version check every entry point runs first (`npm start`, `npx hardway`, `npm test`). Plain JavaScript
// using nothing newer than Node 12, so that on the old Node it refuses it still runs, and says what to do.
import { readFileSync } from 'fs';
import { fileURLToPath } from 'url';

const root = new URL('../', import.meta.url);

function parse(version) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)] : undefined;
}

function atLeast(have, need) {
  for (let i = 0; i < 3; i++) if (have[i] !== need[i]) return have[i] > need[i];
  return true;
}

/**
 * Why `version` cannot run Hardway, or undefined if it can. `engines` is package.json's `engines.node` (only the
 * ">=X.Y[.Z]" form is read); `recommended` is the major version to install (.nvmrc).
 */
export function nodeVersionProblem(version, engines, recommended) {
  const minimum = /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(engines || '');
  if (!minimum) throw new Error(`package.json engines.node must be ">=X.Y", not ${JSON.stringify(engines)}`);
  const have = parse(version);
  const need = parse(minimum[1]);
  if (have && atLeast(have, need)) return undefined;
  const major = recommended || String(need[0]);
  return (
    `Hardway needs Node.js ≥ ${minimum[1]}; you have ${version.replace(/^v/, '')}. ` +
    `Install Node ${major} LTS (e.g. nvm install ${major}, which .nvmrc names, or from https://nodejs.org/en/download) and run this again.`
  );
}

/** The problem with the running Node, from package.json's engines and .nvmrc. */
export function currentNodeProblem() {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  let recommended;
  try {
    recommended = readFileSync(new URL('.nvmrc', root), 'utf8').trim().replace(/^v/, '') || undefined;
  } catch {
    recommended = undefined; // no .nvmrc (an installed copy): the minimum's major is recommended instead
  }
  return nodeVersionProblem(process.versions.node, pkg.engines && pkg.engines.node, recommended);
}

export function exitUnlessSupportedNode() {
  const problem = currentNodeProblem();
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

// Run as a script (`node bin/check-node.js`, what `npm test` starts with).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) exitUnlessSupportedNode();
