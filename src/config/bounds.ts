/**
 * Number bounds as data, and the words for them. Every "expected …" text about a number
 * range is rendered here from the bound itself (inclusive or exclusive, min or max,
 * integer or not), as zod renders its own checks, so no throw site writes a range by hand.
 */
import { inputError } from '../errors.js';

/** The bounds of a number, as zod checks them (`min`/`gt`, `max`/`lt`, `int`). */
export interface NumberBounds {
  readonly integer?: boolean;
  /** Inclusive lower bound (zod `.min()`, JSON Schema `minimum`). */
  readonly min?: number;
  /** Exclusive lower bound (zod `.gt()`/`.positive()`, JSON Schema `exclusiveMinimum`). */
  readonly gt?: number;
  /** Inclusive upper bound (zod `.max()`, JSON Schema `maximum`). */
  readonly max?: number;
  /** Exclusive upper bound (zod `.lt()`, JSON Schema `exclusiveMaximum`). */
  readonly lt?: number;
}

interface End {
  readonly value: number;
  readonly exclusive: boolean;
}

function end(inclusive: number | undefined, exclusive: number | undefined): End | undefined {
  if (exclusive !== undefined) return { value: exclusive, exclusive: true };
  return inclusive === undefined ? undefined : { value: inclusive, exclusive: false };
}

/**
 * What a number within `bounds` is, as a noun phrase for "expected …": "a positive
 * number", "an integer ≥ 2", "a number ≤ 1", "an integer from 0 to 10", "a number
 * greater than 0 and less than 1", "a number at least 0 and less than 1", "a finite number".
 */
export function describeNumber(bounds: NumberBounds): string {
  const noun = bounds.integer ? 'integer' : 'number';
  const a = bounds.integer ? 'an' : 'a';
  const low = end(bounds.min, bounds.gt);
  const high = end(bounds.max, bounds.lt);
  if (low === undefined && high === undefined) return `a finite ${noun}`;
  if (high === undefined) {
    if (low!.exclusive) return low!.value === 0 ? `a positive ${noun}` : `${a} ${noun} > ${low!.value}`;
    return `${a} ${noun} ≥ ${low!.value}`;
  }
  if (low === undefined) return `${a} ${noun} ${high.exclusive ? '<' : '≤'} ${high.value}`;
  if (!low.exclusive && !high.exclusive) return `${a} ${noun} from ${low.value} to ${high.value}`;
  const from = `${low.exclusive ? 'greater than' : 'at least'} ${low.value}`;
  return `${a} ${noun} ${from} and ${high.exclusive ? 'less than' : 'at most'} ${high.value}`;
}

/** Whether `value` is a finite number within `bounds`. */
export function withinBounds(value: number, bounds: NumberBounds): boolean {
  if (!Number.isFinite(value) || (bounds.integer && !Number.isInteger(value))) return false;
  if (bounds.min !== undefined && value < bounds.min) return false;
  if (bounds.gt !== undefined && value <= bounds.gt) return false;
  if (bounds.max !== undefined && value > bounds.max) return false;
  return bounds.lt === undefined || value < bounds.lt;
}

/** A round value within `bounds`, for "e.g." hints: 1 for a positive number, the midpoint of (0, 1). */
export function exampleNumber(bounds: NumberBounds): number {
  const low = bounds.min ?? bounds.gt;
  const high = bounds.max ?? bounds.lt;
  if (low !== undefined && high !== undefined) return bounds.min ?? (bounds.integer ? Math.floor(low) + 1 : (low + high) / 2);
  if (low === undefined) return high === undefined ? 1 : Math.min(1, bounds.max ?? high - 1);
  return bounds.min ?? (low === 0 ? 1 : Math.floor(low) + 1);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A decimal number as users type it (`1`, `-0.5`, `.5`, `1e-3`), or undefined for any other text. */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * The value of number flag `name` (`--jobs 4`), checked against `bounds`. Throws
 * `invalid_flag` (exit 2) naming the flag, the bound and the text received.
 */
export function numberFlag(name: string, text: string | number, bounds: NumberBounds): number {
  const value = typeof text === 'number' ? text : parseDecimal(text);
  if (value !== undefined && withinBounds(value, bounds)) return value;
  const expected = describeNumber(bounds);
  throw inputError('invalid_flag', {
    path: '',
    message: `Invalid value for ${name}: expected ${expected}, received '${text}'`,
    hint: `Use ${expected}, e.g. ${name} ${exampleNumber(bounds)}.`,
    source: name,
  });
}
