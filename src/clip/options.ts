/**
 * Option validation shared by the strategy factories. Factories are public API (users call
 * them from their own loops), so they validate what the zod schema validates for configs
 * and throw the same kind of error: `invalid_clip_option` with the field path and a hint.
 */
import { inputError } from '../errors.js';
import type { NormOrder } from './norms.js';

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
}

/** Throws `invalid_clip_option` for `clip.<field>`. */
export function invalidOption(field: string, expected: string, value: unknown, hint: string): never {
  throw inputError('invalid_clip_option', {
    path: `clip.${field}`,
    message: `clip.${field} must be ${expected}, received ${describe(value)}`,
    hint,
  });
}

/** Returns `value` when it is a finite number > 0, else throws `invalid_clip_option`. */
export function positiveFinite(field: string, value: unknown, hint: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalidOption(field, 'a finite number greater than 0', value, hint);
  }
  return value;
}

/** Returns `value` when it is a finite number ≥ 0, else throws `invalid_clip_option`. */
export function nonNegativeFinite(field: string, value: unknown, hint: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalidOption(field, 'a finite number ≥ 0', value, hint);
  }
  return value;
}

/** Returns `value` when it is an integer in [min, max], else throws `invalid_clip_option`. */
export function integerIn(field: string, value: unknown, min: number, max: number, hint: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidOption(field, `an integer in [${min}, ${max}]`, value, hint);
  }
  return value;
}

/** Validates a strategy's norm order: 'inf', Infinity or a finite p ≥ 1 (the config's rule). */
export function normTypeOption(value: unknown): NormOrder {
  if (value === 'inf' || value === Infinity) return 'inf';
  if (typeof value === 'number' && Number.isFinite(value) && value >= 1) return value;
  return invalidOption('normType', 'a number ≥ 1 or "inf"', value, 'Use 2 (Euclidean), 1, "inf" or any p ≥ 1.');
}
