/**
 * The wasm kernels' tanh and sigmoid against `Math` (what tfjs's cpu kernels compute),
 * rounded to float32: equal but for rare 1-ulp differences, exact on the edge cases.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { expNeg, sigmoidFast, tanhFast } from './fast-math.js';

const f = Math.fround;

/** Distance in float32 ulps (same sign assumed; callers pass finite values). */
function ulps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(bits[0]! - bits[1]!);
}

/** float32 inputs: magnitudes from 1e-9 to 200 (log-uniform), both signs. */
function inputs(n: number): Float32Array {
  const rng = createRng(5);
  return Float32Array.from({ length: n }, () => f((rng.uniform() < 0.5 ? -1 : 1) * 200 * 10 ** (-11 * rng.uniform())));
}

const CASES = [
  { name: 'tanh', fast: tanhFast, exact: Math.tanh, edges: [[0, 0], [-0, -0], [Infinity, 1], [-Infinity, -1], [NaN, NaN], [9.02, 1], [-20, -1], [f(1e-30), f(1e-30)], [f(-1e-45), f(-1e-45)]] },
  { name: 'sigmoid', fast: sigmoidFast, exact: (x: number) => 1 / (1 + Math.exp(-x)), edges: [[0, 0.5], [-0, 0.5], [Infinity, 1], [-Infinity, 0], [NaN, NaN], [-120, f(1 / (1 + Math.exp(120)))], [-1000, 0], [60, 1]] },
];

describe.each(CASES)('$name', ({ fast, exact, edges }) => {
  it('rounds to Math’s float32 value, or its neighbour for fewer than 1 in 10⁴ inputs', () => {
    let off = 0;
    for (const x of inputs(200_000)) {
      const got = f(fast(x));
      const want = f(exact(x));
      if (got === want) continue;
      off++;
      expect(ulps(got, want)).toBe(1);
    }
    expect(off).toBeLessThan(20);
  });

  it.each(edges)('maps %s to %s', (x, y) => {
    expect(f(fast(x!))).toBe(y);
  });
});

describe('expNeg', () => {
  it('is e^−a to 2e-12 relative from 0 to 700, 0 beyond the float64 range, NaN for NaN', () => {
    for (let a = 0; a < 700; a += 0.37) expect(Math.abs(expNeg(a) / Math.exp(-a) - 1)).toBeLessThan(2e-12);
    expect(expNeg(0)).toBe(1);
    expect(expNeg(800)).toBe(0);
    expect(expNeg(Infinity)).toBe(0);
    expect(expNeg(NaN)).toBeNaN();
  });
});
