// A fast emitter for the context's YAML bodies: for plain JSON data it writes byte for byte what
// `yaml.stringify(value, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 })` writes
// (block collections, double-quoted strings, plain keys), at a fraction of the cost of building a YAML document
// per event. Anything outside the shapes it knows returns `undefined` and the caller uses the library
// (test/core/yaml.test.ts holds it to the library on generated data).
//
// `emitLeanYaml` is the lean profile's: the same block layout, but a string is written plain wherever YAML reads
// it back as the same string, as a `|-` literal when it spans lines, and double-quoted only otherwise.

/** What `yaml` calls `doubleQuotedMinMultiLineLength`: shorter quoted strings keep their `\n` escapes. */
const MIN_MULTI_LINE_LENGTH = 40;
const STEP = '  ';
/** Keys `yaml` writes plain: anything else (spaces, colons, numbers, `null`, `true`, …) falls back to the library. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_KEY = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

class Unsupported extends Error {}

/** The block YAML for `value`, without the trailing newline, or `undefined` when only the library can write it. */
export function emitYaml(value: unknown): string | undefined {
  try {
    return block(value, '', new Set());
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

function isEmpty(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if ((value as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** How scalars and keys are written: the library's double-quoted style, or the lean one. */
interface Style {
  scalar(value: unknown, indent: string): string;
  key(key: string): string;
  /** Whether a collection reached twice (not a cycle) is refused: the library writes anchors for it. */
  refuseShared: boolean;
}

const quotedStyle: Style = {
  scalar: (value, indent) => scalar(value, indent),
  key: (key) => {
    if (!PLAIN_KEY.test(key) || RESERVED_KEY.test(key)) throw new Unsupported();
    return key;
  },
  refuseShared: true,
};

const leanStyle: Style = {
  scalar: (value, indent) => leanScalar(value, indent),
  key: (key) => (PLAIN_KEY.test(key) && !RESERVED_KEY.test(key) ? key : quote(key)),
  refuseShared: false,
};

/**
 * Lean YAML for `value`, without the trailing newline; `yaml.parse` of it deep-equals `value` for any JSON data.
 * Returns `undefined` for what JSON cannot hold (cycles, functions, non-finite numbers).
 */
export function emitLeanYaml(value: unknown): string | undefined {
  try {
    return block(value, '', new Set(), leanStyle);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** A value written at `indent` (its own column), as the library writes a document or a collection's item. */
function block(value: unknown, indent: string, seen: Set<object>, style: Style = quotedStyle): string {
  if (!isCollection(value)) return style.scalar(value, indent);
  if (!Array.isArray(value) && !isPlainObject(value)) throw new Unsupported();
  if (isEmpty(value)) return Array.isArray(value) ? '[]' : '{}';
  // The library writes a shared reference as an anchor and aliases; the lean style refuses only a cycle.
  if (seen.has(value)) throw new Unsupported();
  seen.add(value);
  const out = Array.isArray(value) ? sequence(value, indent, seen, style) : mapping(value, indent, seen, style);
  if (!style.refuseShared) seen.delete(value);
  return out;
}

function sequence(items: readonly unknown[], indent: string, seen: Set<object>, style: Style): string {
  const inner = indent + STEP;
  const lines: string[] = [];
  for (const item of items) {
    if (item === undefined) throw new Unsupported();
    // A non-empty collection starts on the dash's line and goes on at the item's indent.
    if (isCollection(item) && !isEmpty(item)) lines.push(`${indent}- ${block(item, inner, seen, style).slice(inner.length)}`);
    else lines.push(`${indent}- ${isCollection(item) ? block(item, inner, seen, style) : style.scalar(item, inner)}`);
  }
  return lines.join('\n');
}

function mapping(map: object, indent: string, seen: Set<object>, style: Style): string {
  const inner = indent + STEP;
  const lines: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    const name = style.key(key);
    if (isCollection(value) && !isEmpty(value)) {
      // A sequence under a key is indented one step (the library's `indentSeq`), like a nested mapping.
      lines.push(`${indent}${name}:\n${block(value, inner, seen, style)}`);
    } else {
      lines.push(`${indent}${name}: ${isCollection(value) ? block(value, inner, seen, style) : style.scalar(value, inner)}`);
    }
  }
  return lines.join('\n');
}

/** A scalar whose continuation lines (of a multi-line string) are indented by `indent`. */
function scalar(value: unknown, indent: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return doubleQuoted(value, indent);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Unsupported();
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    default:
      throw new Unsupported();
  }
}

/** The library's `doubleQuotedString` with folding off (`lineWidth: 0`) and outside a key. */
function doubleQuoted(value: string, contextIndent: string): string {
  const json = JSON.stringify(value);
  const indent = contextIndent || (DOCUMENT_MARKER.test(value) ? STEP : '');
  if (json.indexOf('\\') === -1) return json;
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // A space before a newline is escaped so that it survives folding.
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    switch (json[i + 1]) {
      case 'u': {
        str += json.slice(start, i);
        const code = json.substr(i + 2, 4);
        str += unicodeEscape(code) ?? (code.startsWith('00') ? `\\x${code.substr(2)}` : json.substr(i, 6));
        i += 5;
        start = i + 1;
        break;
      }
      case 'n':
        if (json[i + 2] === '"' || json.length < MIN_MULTI_LINE_LENGTH) {
          i += 1;
        } else {
          // A line break in a quoted scalar is written as a blank line (folding eats one).
          str += json.slice(start, i) + '\n\n';
          while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
            str += '\n';
            i += 2;
          }
          str += indent;
          if (json[i + 2] === ' ') str += '\\';
          i += 1;
          start = i + 1;
        }
        break;
      default:
        i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

function unicodeEscape(code: string): string | undefined {
  switch (code) {
    case '0000':
      return '\\0';
    case '0007':
      return '\\a';
    case '000b':
      return '\\v';
    case '001b':
      return '\\e';
    case '0085':
      return '\\N';
    case '00a0':
      return '\\_';
    case '2028':
      return '\\L';
    case '2029':
      return '\\P';
    default:
      return undefined;
  }
}

// ---- The lean style's scalars ----

/** Strings YAML (1.2 core, or 1.1 as some readers still apply) would read as something else, or a date. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0[oO]?[0-7_]+|[-+]?0[bB][01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/;
/** A first character that would start something other than a plain scalar (an indicator), or a space. */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
/** Anything YAML does not print as is: controls, DEL, C1, line/paragraph separators, BOM, non-characters, lone surrogates. */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;
const UNPRINTABLE_GLOBAL = new RegExp(UNPRINTABLE.source, 'gu');

function isPlain(value: string): boolean {
  if (value === '' || NOT_A_STRING.test(value) || INDICATOR_START.test(value) || /\s$/.test(value)) return false;
  if (value.startsWith('...') || /[\n\r\t]|: |:$| #/.test(value)) return false;
  return !UNPRINTABLE.test(value);
}

/** A literal block keeps every character of a multi-line text as is, given these. */
function isLiteral(value: string): boolean {
  if (!value.includes('\n') || value.endsWith('\n') || /[\r\t]/.test(value) || UNPRINTABLE.test(value)) return false;
  // The first line with text sets the block's indentation, so it must not start with a space.
  const first = value.split('\n').find((line) => line !== '');
  return first !== undefined && !first.startsWith(' ');
}

/** JSON's string syntax is YAML's double-quoted one; what YAML would not print as is gets escaped. */
function quote(value: string): string {
  return JSON.stringify(value).replace(UNPRINTABLE_GLOBAL, (ch) =>
    [...ch].map((c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`).join(''),
  );
}

function leanScalar(value: unknown, indent: string): string {
  if (typeof value !== 'string') return scalar(value, indent);
  if (isPlain(value)) return value;
  if (isLiteral(value)) {
    const inner = indent || STEP;
    return `|-\n${value
      .split('\n')
      .map((line) => (line === '' ? '' : inner + line))
      .join('\n')}`;
  }
  return quote(value);
}
