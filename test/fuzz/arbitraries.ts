/**
 * Input generators for the reader fuzz tests: near-valid documents made by mutating a
 * valid one (structurally: keys dropped, values swapped for other JSON values, hostile
 * strings and numbers, deep nesting; then textually: cuts, inserted bytes, swapped
 * characters) mixed with purely random text, so most inputs get past the first parse
 * and reach the checks behind it.
 */
import fc from 'fast-check';

/** How many inputs each reader gets: 10,000 by default (GCLIP_FUZZ_RUNS overrides). */
export const RUNS = Number(process.env.GCLIP_FUZZ_RUNS ?? 10_000);

/** Values that have broken parsers and renderers before: non-finite names, huge numbers, control characters, prototype keys. */
const nasty = fc.constantFrom<unknown>(
  'NaN', 'Infinity', '-Infinity', 1e308, -1e308, 1e-320, 2 ** 53 + 1, -0, 0, -1, 1.5, 2 ** 31, '', ' ', '\n::error::pwned\x1b[31m', '##[error]x',
  '__proto__', 'constructor', 'toString', '\u2028', '\ud800', null, true, [], {}, [[[[[[]]]]]], JSON.parse('{"__proto__": {"polluted": 1}}') as unknown, 'x'.repeat(300),
);

/** Any JSON value, small, with the nasty ones mixed in. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 2, arbitrary: nasty });

type Path = (string | number)[];

/** Every path to a container or leaf in `doc`, root first. */
function pathsOf(doc: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(doc)) doc.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (typeof doc === 'object' && doc !== null) for (const [k, v] of Object.entries(doc)) pathsOf(v, [...at, k], out);
  return out;
}

interface Mutation {
  readonly pick: number;
  readonly op: 'delete' | 'replace' | 'wrap' | 'copy' | 'rename';
  readonly value: unknown;
}

function apply(doc: unknown, m: Mutation): unknown {
  const paths = pathsOf(doc);
  const path = paths[m.pick % paths.length]!;
  // Values are cloned in: the nasty constants are shared between runs and must never end up inside themselves.
  const value = structuredClone(m.value);
  if (path.length === 0) return m.op === 'replace' ? value : m.op === 'wrap' ? [doc] : doc;
  const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], doc) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  const old = parent[key];
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.op === 'replace') parent[key] = value;
  else if (m.op === 'wrap') parent[key] = [old];
  else if (m.op === 'copy') parent[key] = structuredClone(paths.length > 1 ? old : value);
  else if (!Array.isArray(parent)) {
    delete parent[key];
    parent[(typeof m.value === 'string' ? m.value : (JSON.stringify(m.value) ?? 'k')).slice(0, 20)] = old;
  }
  return doc;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('delete', 'replace', 'replace', 'wrap', 'copy', 'rename'),
  value: jsonValue,
});

/** A text edit: cut the end, insert a string, or overwrite one character. */
const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('"', ',', '\n', '{', '[', ']', '}', '\\', '\u0000', '\r\n', ': ', '- ', '&a ', '*a')) }),
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
);

interface TextEdit {
  readonly kind: 'cut' | 'insert' | 'char';
  readonly at: number;
  readonly text?: string;
}

function editText(text: string, e: TextEdit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  if (e.kind === 'cut') return text.slice(0, at);
  if (e.kind === 'insert') return text.slice(0, at) + (e.text ?? '') + text.slice(at);
  return text.slice(0, at) + (e.text ?? '') + text.slice(at + 1);
}

/** Texts from `serialize(mutated base)`, then up to two text edits; each base has equal weight. */
export function mutatedText(bases: readonly unknown[], serialize: (doc: unknown) => string): fc.Arbitrary<string> {
  return fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.array(mutation, { maxLength: 4 }), fc.array(textEdit, { maxLength: 2 }))
    .map(([b, ms, edits]) => {
      const doc = ms.reduce<unknown>((d, m) => apply(d, m), structuredClone(bases[b]));
      let text: string;
      try {
        text = serialize(doc);
      } catch {
        text = String(doc);
      }
      return edits.reduce((t, e) => editText(t, e), text);
    });
}

/** Line-level mutations of a text format (CSV, JSONL): lines dropped, duplicated, swapped for random ones, cells edited. */
export function mutatedLines(bases: readonly string[]): fc.Arbitrary<string> {
  const lineEdit = fc.record({ pick: fc.nat(), op: fc.constantFrom('drop', 'dup', 'random', 'cell'), text: fc.oneof(fc.string({ maxLength: 20 }), nasty.map((v) => JSON.stringify(v) ?? '')) });
  return fc
    .tuple(fc.nat({ max: bases.length - 1 }), fc.array(lineEdit, { maxLength: 5 }), fc.array(textEdit, { maxLength: 2 }))
    .map(([b, ms, edits]) => {
      const lines = bases[b]!.split('\n');
      for (const m of ms) {
        const i = m.pick % lines.length;
        if (m.op === 'drop') lines.splice(i, 1);
        else if (m.op === 'dup') lines.splice(i, 0, lines[i] ?? '');
        else if (m.op === 'random') lines[i] = m.text;
        else {
          const cells = (lines[i] ?? '').split(',');
          cells[m.pick % Math.max(1, cells.length)] = m.text;
          lines[i] = cells.join(',');
        }
      }
      return edits.reduce((t, e) => editText(t, e), lines.join('\n'));
    });
}

/** Random text: printable and binary strings, random JSON documents, bracket soups. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ maxLength: 100, unit: 'binary' }),
  fc.json({ maxDepth: 4 }),
  fc.array(fc.constantFrom('[', ']', '{', '}', '"', ':', ',', '1', 'a', '\n', ' ', '-', '#', '&', '*'), { maxLength: 200 }).map((cs) => cs.join('')),
);

/** 70 % mutated, 30 % random. */
export function readerInput(mutated: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 7, arbitrary: mutated }, { weight: 3, arbitrary: randomText });
}
