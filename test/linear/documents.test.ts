// Every document we send to Linear validates against Linear's published schema: a typo in a field fails here.
import { getOperationAST, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { documents } from '../../src/linear/documents.js';
import { replySchemas } from '../../src/linear/responses.js';
import { loadLinearSchema } from '../support/linear-double/linear-schema.js';

describe("our GraphQL documents against Linear's schema", () => {
  const schema = loadLinearSchema();
  const entries = Object.entries(documents);

  it('there are documents to check', () => {
    expect(entries.length).toBeGreaterThanOrEqual(16);
  });

  it.each(entries)('%s validates with no errors', (_name, text) => {
    const document = parse(text);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });

  it.each(entries)('%s is one named operation', (_name, text) => {
    const document = parse(text);
    const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
    expect(operations).toHaveLength(1);
    expect(getOperationAST(document)?.name?.value).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('operation names are unique (the double and the logs tell requests apart by them)', () => {
    const names = entries.map(([, text]) => getOperationAST(parse(text))?.name?.value);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every document has a reply schema', () => {
    expect(Object.keys(replySchemas).sort()).toEqual(Object.keys(documents).sort());
  });
});
