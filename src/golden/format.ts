/**
 * The golden file format (`../shared/golden/*.json`, see `meta.conventions` in each file):
 * tensors are `{shape, data}` in row-major order, a missing gradient is `null`, and
 * non-finite floats are the strings "NaN", "Infinity", "-Infinity".
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';

/** A tensor as written in a golden file. */
export interface GoldenTensor {
  readonly shape: readonly number[];
  readonly data: readonly GoldenNumber[];
}

/** A number as written in a golden file. */
export type GoldenNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** One golden case. `strategy` selects the checker. */
export interface GoldenCase {
  readonly id: string;
  readonly strategy: string;
  readonly reference?: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly expected: Readonly<Record<string, unknown>>;
  readonly expected_float64?: Readonly<Record<string, unknown>> | null;
  readonly tags?: readonly string[];
  readonly notes?: string;
}

/** A whole golden file. */
export interface GoldenFile {
  readonly meta: Readonly<Record<string, unknown>> & { readonly conventions?: Readonly<Record<string, string>> };
  readonly cases: readonly GoldenCase[];
}

/** Decodes a golden number ("NaN", "Infinity", "-Infinity" or a number); null stays null. */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw new Error(`not a golden number: ${JSON.stringify(value)}`);
}

/** Decodes a number that may be null (`null` → null). */
export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

/** True when `value` looks like a golden tensor. */
export function isGoldenTensor(value: unknown): value is GoldenTensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'data' in value;
}

/** Builds a float32 tensor from a golden tensor. The caller owns it. */
export function toTensor(t: GoldenTensor): Tensor {
  return tf.tensor(t.data.map(num), [...t.shape], 'float32');
}

/** Builds the gradient list of a case: tensors, with `null` kept for missing gradients. */
export function toTensorList(list: unknown): (Tensor | null)[] {
  if (!Array.isArray(list)) throw new Error('expected a list of tensors');
  return list.map((t: unknown) => (t === null ? null : toTensor(t as GoldenTensor)));
}

/** Reads a JSON file's text into a `GoldenFile` (shape-checked lightly). */
export function parseGoldenFile(text: string): GoldenFile {
  const parsed = JSON.parse(text) as Partial<GoldenFile>;
  if (!Array.isArray(parsed.cases)) throw new Error('golden file has no "cases" array');
  return { meta: parsed.meta ?? {}, cases: parsed.cases };
}
