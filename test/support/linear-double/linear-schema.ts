// Linear's real GraphQL schema (the one @linear/sdk 88.3.0 was generated from), read from outside the repository
// and built once per process: the Linear double validates every request against it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** `../shared/linear/schema.graphql` from the repository root, or LINEAR_SCHEMA_PATH. */
export function linearSchemaPath(): string {
  return process.env.LINEAR_SCHEMA_PATH ?? resolve(repoRoot, '../shared/linear/schema.graphql');
}

const built = new Map<string, GraphQLSchema>();

export function loadLinearSchema(path: string = linearSchemaPath()): GraphQLSchema {
  const cached = built.get(path);
  if (cached !== undefined) return cached;
  if (!existsSync(path)) {
    throw new Error(
      `Linear's GraphQL schema is missing at ${path}. The Linear double and the document tests validate against it; ` +
        'put the schema @linear/sdk 88.3.0 was generated from there (see ../shared/linear/README.md) or set LINEAR_SCHEMA_PATH.',
    );
  }
  // The SDL is Linear's own and valid; skipping SDL validation saves most of the build time of a 1.2 MB schema.
  const schema = buildSchema(readFileSync(path, 'utf8'), { assumeValidSDL: true });
  built.set(path, schema);
  return schema;
}
