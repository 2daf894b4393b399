// A child process for the intake benchmark: the real HTTP service from `createContainer`, workers off
// (WORKER_CONCURRENCY=0) so only intake is measured. Settings come from the environment, as for `hardway serve`;
// it prints `{"port":N}` once listening and stops cleanly on SIGTERM.
//
//   DATABASE_URL=/tmp/x.sqlite API_TOKEN=… node --import tsx bench/lib/intake-server.ts
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { readConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';

const config = readConfig({ ...process.env, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'silent', PORT: '0' });
const container = await createContainer(config);
const server = serve({ fetch: container.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.stdout.write(`${JSON.stringify({ port: info.port, store: container.store.kind, email: container.channels.has('email') })}\n`);
});

process.once('SIGTERM', () => {
  server.close();
  container.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`intake-server: unclean stop: ${String(error)}\n`);
      process.exit(1);
    },
  );
});
