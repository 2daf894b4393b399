// Every document we send to Linear validates against Linear's published schema: a typo in a field fails here.
import { getOperationAST, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { allDocuments } from '../../src/linear/linear-operations.js';
import { loadLinearSchema } from '../support/linear-double/linear-schema.js';

describe("our GraphQL documents against Linear's schema", () => {
  const schema = loadLinearSchema();
  const entries = allDocuments.map((d) => [d.name, d.text] as const);

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

  it('document names are unique (an unexpected reply is reported by name)', () => {
    const names = entries.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every document has a reply schema', () => {
    expect(allDocuments.filter((d) => typeof d.reply?.safeParse !== 'function').map((d) => d.name)).toEqual([]);
  });
});
