/**
 * StepRecord ⇄ one JSON line. JSON has no NaN or Infinity (JSON.stringify turns them into
 * `null`), so non-finite numbers are written as the strings "NaN", "Infinity" and
 * "-Infinity" — the convention of the golden files — and decoded back to numbers.
 * `null` stays null (e.g. `valLoss` when not evaluated). Key order is fixed by the record,
 * so equal records give byte-identical lines. Encoding validates nothing (the loop writes
 * a line per step; the schema is for reading).
 */
import { storedRecordSchema, type StepRecord } from './schema.js';

// A Map, not an object literal: the string "constructor" must stay a string.
const NONFINITE: ReadonlyMap<string, number> = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

/** JSON.stringify replacer that keeps non-finite numbers as their string names. */
export function encodeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** JSON.parse reviver that turns "NaN"/"Infinity"/"-Infinity" strings back into numbers. */
export function decodeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? NONFINITE.get(value) ?? value : value;
}

/**
 * True when `value` certainly holds no non-finite number that JSON.stringify would visit,
 * so the replacer is a no-op for it. Conservative: an object with `toJSON` (whose result
 * is what gets serialised) or nesting deeper than `depth` answers false.
 */
function finiteOnly(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return true;
  if (depth === 0 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!finiteOnly(value[i], depth - 1)) return false;
    return true;
  }
  for (const key in value) if (!finiteOnly((value as Record<string, unknown>)[key], depth - 1)) return false;
  return true;
}

/**
 * Any value → JSON text with non-finite numbers kept (see module doc). When every number
 * is finite the replacer changes nothing, and plain `JSON.stringify` (V8's fast path, ~5×
 * quicker on a step record; issue #9) gives the same bytes.
 */
export function stringifyWithNonFinite(value: unknown, space?: number): string {
  return finiteOnly(value, 64) ? JSON.stringify(value, null, space) : JSON.stringify(value, encodeNumbers, space);
}

/** Encodes one record as a JSON line (no trailing newline). */
export function encodeRecord(record: StepRecord): string {
  return stringifyWithNonFinite(record);
}

/** One JSON text → its value, with "NaN"/"Infinity"/"-Infinity" strings as numbers. Throws SyntaxError on bad JSON. */
export function decodeLine(line: string): unknown {
  return JSON.parse(line, decodeNumbers);
}

/**
 * Decodes and validates one line written by `encodeRecord` (or by an older gclip: fields
 * it lacks take their schema defaults; unknown fields are kept). Throws SyntaxError on bad
 * JSON and a ZodError naming the field when the line is not a step record; the log
 * readers turn both into errors that name the file and line.
 */
export function decodeRecord(line: string): StepRecord {
  return storedRecordSchema.parse(decodeLine(line));
}
