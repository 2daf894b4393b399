// The fast emitter is held to the library it replaces: on generated JSON data (keys that stay plain and keys that
// do not, multi-line strings, escapes, nesting) it writes exactly what `yaml.stringify` writes, or declines.
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emitLeanYaml, emitYaml } from '../../src/core/yaml.js';

const library = (value: unknown): string =>
  stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }).trimEnd();

/** Strings built to hit the escaping rules: line breaks, spaces around them, quotes, control characters, markers. */
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\n', '\t', '"', '\\', '\u0000', '\u0007', '\u001b', '\u0085', '\u00a0', '\u2028', 'é', '😀', '-', '.', '%', '#', ':'), maxLength: 80 }),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', '---', '--- x\ny', '...\nmore text that is long enough to break over lines', 'trail \n', ' \n lead', 'a\n\n\nb is long enough to be multi-line in yaml'),
  fc.lorem({ maxCount: 12 }).map((s) => s.replaceAll(' ', '\n')),
);
const keys = fc.oneof(fc.constantFrom('id', 'title', 'state', 'a_b', 'Key9', '_x'), fc.string({ maxLength: 6 }), fc.constantFrom('null', 'True', '1', 'a b', 'a:b', ''));
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('emitYaml', () => {
  it('writes what the yaml library writes, or declines, on generated JSON', () => {
    fc.assert(
      fc.property(json, (value) => {
        const fast = emitYaml(value);
        if (fast !== undefined) expect(fast).toBe(library(value));
      }),
      { numRuns: 3000, seed: 20261201 },
    );
  });

  it('writes everything a tool result of plain keys holds, declining nothing', () => {
    const plainKeys = fc.constantFrom('id', 'identifier', 'title', 'state', 'assignee', 'nodes', 'url', 'description');
    const data = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        tricky,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(plainKeys, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(data, (value) => {
        expect(emitYaml(value)).toBe(library(value));
      }),
      { numRuns: 3000, seed: 20261201 },
    );
  });

  it('declines what only the library can write: shared references, undefined items, non-plain objects', () => {
    const shared = { id: 'x' };
    expect(emitYaml({ a: shared, b: shared })).toBeUndefined();
    expect(emitYaml([1, undefined])).toBeUndefined();
    expect(emitYaml({ at: new Date(0) })).toBeUndefined();
    expect(emitYaml({ 'needs quoting': 1 })).toBeUndefined();
  });

  it('skips undefined values in a mapping as the library does', () => {
    const value = { a: undefined, b: { c: undefined }, d: [{ e: 1, f: undefined }] };
    expect(emitYaml(value)).toBe(library(value));
  });
});

describe('emitLeanYaml', () => {
  it('reads back as the same JSON under the yaml library, on generated data', () => {
    fc.assert(
      fc.property(fc.oneof(json, fc.jsonValue()), (value) => {
        const text = emitLeanYaml(value);
        expect(text).toBeDefined();
        expect(parse(text ?? '')).toEqual(value);
      }),
      { numRuns: 5000, seed: 20261202 },
    );
  });

  it('reads back any string as itself, alone or as a value, whatever it looks like', () => {
    const lookalikes = fc.constantFrom('1', '-1.5e3', '0x1F', '0o17', '.inf', '.NaN', '12:30', '1_000', 'yes', 'No', 'on', '~', 'null', 'True', '2025-02-11', '2025-02-11T09:14:00Z', '- a', '? a', 'a: b', 'a #b', 'a:', '#x', '&a', '*a', '!a', '|', '>', "'a'", '"a"', '%a', '@a', '`a', '...', '---', ' a', 'a ', '[a]', '{a}');
    fc.assert(
      fc.property(fc.oneof(lookalikes, fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 })), (s) => {
        expect(parse(emitLeanYaml(s) ?? '')).toBe(s);
        expect(parse(emitLeanYaml({ k: s, list: [s] }) ?? '')).toEqual({ k: s, list: [s] });
      }),
      { numRuns: 3000, seed: 20261202 },
    );
  });

  it('writes plain what needs no quotes, quotes what would read as something else, and a block for lines', () => {
    const value = {
      id: '6f1c2a9e-3b1d-4c57-9a0e-0d2f8b7c4e11',
      identifier: 'OPS-118',
      title: 'CSV export stops at 10,000 rows',
      url: 'https://linear.app/acme/issue/OPS-118',
      priority: 2,
      assignee: null,
      numeric: '42',
      flag: 'true',
      date: '2025-03-07',
      colon: 'Note: read this',
      dash: '- starts like a list',
      empty: '',
      description: 'Line one.\n\n  indented line two',
      labels: ['bug', 'exports'],
    };
    expect(emitLeanYaml(value)).toBe(
      [
        'id: 6f1c2a9e-3b1d-4c57-9a0e-0d2f8b7c4e11',
        'identifier: OPS-118',
        'title: CSV export stops at 10,000 rows',
        'url: https://linear.app/acme/issue/OPS-118',
        'priority: 2',
        'assignee: null',
        'numeric: "42"',
        'flag: "true"',
        'date: "2025-03-07"',
        'colon: "Note: read this"',
        'dash: "- starts like a list"',
        'empty: ""',
        'description: |-',
        '  Line one.',
        '',
        '    indented line two',
        'labels:',
        '  - bug',
        '  - exports',
      ].join('\n'),
    );
  });

  it('writes a shared (not cyclic) object twice, and refuses a cycle', () => {
    const shared = { a: 1 };
    expect(emitLeanYaml({ x: shared, y: shared })).toBe('x:\n  a: 1\ny:\n  a: 1');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(emitLeanYaml(cyclic)).toBeUndefined();
  });
});
