#!/usr/bin/env node
// The `hardway` command: checks the Node version, then runs the TypeScript CLI through tsx's loader, registered in
// this process (so this pid is the server under `npm start`). No top-level await: old Node must get to the check.
import { exitUnlessSupportedNode } from './check-node.js';

exitUnlessSupportedNode();
import('tsx/esm/api')
  .then(({ register }) => {
    register();
    return import('../src/cli/main.ts');
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
