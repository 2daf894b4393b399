// `hardway serve`: the HTTP server and workers in one process, with a graceful stop on SIGTERM or SIGINT, and an
// immediate exit on a second one.
import { serve as listen } from '@hono/node-server';
import type { AppConfig } from '../app/config.js';
import { createContainer } from '../app/container.js';

/** A second SIGINT/SIGTERM during the graceful stop exits at once with the shell's "killed by" code. */
export const exitCodeOnSecondSignal = { SIGINT: 130, SIGTERM: 143 } as const;

export async function serve(config: AppConfig): Promise<void> {
  const c = await createContainer(config);
  const { logger } = c;
  if (!config.llm.ok) for (const line of config.llm.problem.split('\n')) logger.warn(line);
  if (!config.apiToken) logger.warn('API_TOKEN is not set: the API is open, so it listens on 127.0.0.1 only');
  const server = listen({ fetch: c.app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info({ url: `http://${config.host}:${info.port}`, store: c.store.kind, linear: config.linear.apiKey ? 'linear.app' : 'local workspace' }, 'hardway is serving');
  });
  c.worker.start();
  for (const source of c.sources) source.start();
  c.otherWriters.start();

  let stopping = false;
  const stop = (signal: keyof typeof exitCodeOnSecondSignal) => {
    if (stopping) {
      // Someone who asks twice wants it gone now: running steps are abandoned, their leases expire and another
      // process resumes them from their events.
      logger.warn({ signal }, 'second signal: exiting now without waiting for running steps');
      process.exit(exitCodeOnSecondSignal[signal]);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new work; running steps finish or are released');
    server.close();
    c.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
