/**
 * StepRecord ⇄ one JSON line. JSON has no NaN or Infinity (JSON.stringify turns them into
 * `null`), so non-finite numbers are written as the strings "NaN", "Infinity" and
 * "-Infinity" — the convention of the golden files — and decoded back to numbers.
 * `null` stays null (e.g. `valLoss` when not evaluated). Key order is fixed by the record,
 * so equal records give byte-identical lines.
 */
import type { StepRecord } from '../record.js';

const NONFINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** JSON.stringify replacer that keeps non-finite numbers as their string names. */
export function encodeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** JSON.parse reviver that turns "NaN"/"Infinity"/"-Infinity" strings back into numbers. */
export function decodeNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value in NONFINITE ? NONFINITE[value] : value;
}

/** Any value → JSON text with non-finite numbers kept (see module doc). */
export function stringifyWithNonFinite(value: unknown, space?: number): string {
  return JSON.stringify(value, encodeNumbers, space);
}

/** Encodes one record as a JSON line (no trailing newline). */
export function encodeRecord(record: StepRecord): string {
  return stringifyWithNonFinite(record);
}

/** Decodes one JSON line written by `encodeRecord`. Throws SyntaxError on bad JSON. */
export function decodeRecord(line: string): StepRecord {
  return JSON.parse(line, decodeNumbers) as StepRecord;
}
