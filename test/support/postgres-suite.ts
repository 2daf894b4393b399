// A throwaway PostgreSQL cluster for the enclosing describe block: started before its tests, stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres.js';

export function postgresForSuite(): () => TestPostgres {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('PostgreSQL did not start');
    return server;
  };
}
