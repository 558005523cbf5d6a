/**
 * Checks of tensor results against golden tensors (see `compare.ts` for the tolerance),
 * plus a scope helper so that a case never leaks tensors.
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import { compareF32, type Failures } from './compare.js';
import { isGoldenTensor } from './format.js';

/** Runs `fn` in a tfjs scope: every tensor it creates is disposed afterwards. */
export function inScope<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

/** Reads a tensor's values (one sync; for checking only). */
export function values(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** Reads a scalar tensor's value. */
export function scalarValue(t: Tensor): number {
  return values(t)[0] ?? Number.NaN;
}

/** Compares one tensor (shape by element count and rank-insensitive data) with a golden tensor. */
export function compareTensor(field: string, got: Tensor | null, exp: unknown, fails: Failures, signedZero = false): void {
  if (exp === null || got === null) {
    if (exp !== got) fails.push(`${field}: got ${got === null ? 'null' : 'a tensor'}, expected ${exp === null ? 'null' : 'a tensor'}`);
    return;
  }
  if (!isGoldenTensor(exp)) {
    fails.push(`${field}: expected value is not a tensor`);
    return;
  }
  const size = exp.shape.reduce((a, b) => a * b, 1);
  if (got.size !== size) fails.push(`${field}: shape [${got.shape.join(',')}], expected [${exp.shape.join(',')}]`);
  else compareF32(field, values(got), exp.data, fails, signedZero);
}

/** Compares a list of tensors (with nulls) element by element. */
export function compareTensorList(field: string, got: readonly (Tensor | null)[], exp: unknown, fails: Failures, signedZero = false): void {
  if (!Array.isArray(exp)) {
    fails.push(`${field}: expected value is not a list`);
    return;
  }
  if (got.length !== exp.length) {
    fails.push(`${field}: ${got.length} tensors, expected ${exp.length}`);
    return;
  }
  got.forEach((g, i) => compareTensor(`${field}[${i}]`, g, exp[i], fails, signedZero));
}

/** Compares a flat list of numbers computed for the present tensors with an expected list. */
export function compareNumberList(field: string, got: ArrayLike<number>, exp: unknown, fails: Failures): void {
  if (!Array.isArray(exp)) fails.push(`${field}: expected value is not a list`);
  else compareF32(field, got, exp, fails);
}
