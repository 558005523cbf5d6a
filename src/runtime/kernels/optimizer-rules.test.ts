import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { reciprocalExact } from './optimizer-rules.js';

const f = Math.fround;
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
/** The float32 with bit pattern `b`. */
const float32 = (b: number): number => ((bits[0] = b), asFloat[0]!);
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('reciprocalExact (Adam divides by 1 − β^t as a multiply)', () => {
  it('f(x · (1/d)) is f(x / d) for float32 x of every magnitude and |d| < 2', () => {
    const rng = createRng(7);
    const word = () => rng.int(0x10000) * 0x10000 + rng.int(0x10000);
    let checked = 0;
    for (let k = 0; k < 300_000; k++) {
      // |d| < 2: an exponent field below 128; x: any pattern, or a small one (subnormal quotients).
      const d = float32(word() & 0xbfffffff);
      const x = k % 2 === 0 ? float32(word()) : float32(word() & 0x81ffffff);
      expect(reciprocalExact(d)).toBe(true);
      if (!same(f(x * (1 / d)), f(x / d))) throw new Error(`x ${x}, d ${d}: ${f(x / d)} vs ${f(x * (1 / d))}`);
      checked++;
    }
    expect(checked).toBe(300_000);
  });

  it('refuses |d| ≥ 2, where a subnormal quotient can be an exact tie the multiply misses', () => {
    // x / d = 3 · 2⁻¹⁵⁰ exactly (a midpoint between subnormals) for d = 98 = 49 · 2.
    const d = 98;
    const x = 3 * 49 * 2 ** -149;
    expect(f(x)).toBe(x);
    expect(f(x * (1 / d))).not.toBe(f(x / d));
    expect(reciprocalExact(d)).toBe(false);
    expect(reciprocalExact(-2)).toBe(false);
    expect(reciprocalExact(Number.NaN)).toBe(false);
    // The same construction below 2 (d = 49 · 2⁻⁵) cannot make a tie: the multiply agrees.
    for (let m = 1; m < 400; m += 2) expect(f(m * 49 * 2 ** -149 * (1 / (49 / 32)))).toBe(f((m * 49 * 2 ** -149) / (49 / 32)));
  });
});
