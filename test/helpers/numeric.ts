/** Helpers for tests that compare kernels' numbers. */
import { createRng } from '../../src/runtime/rng.js';

/** `n` float32 values: standard normal from `seed`, or drawn from `pick` when given (for ties, NaN, ±∞). */
export function seededValues(n: number, seed: number, pick?: readonly number[]): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (pick ? pick[Math.floor(rng.uniform() * pick.length)]! : rng.normal()));
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}
