import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import { clipGradNorm, clipGradValue } from './api.js';
import { closeTo, refTotalNorm, type RefOrder } from '../../test/helpers/reference-norms.js';
import { isGclipError } from '../errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vals = (t: Tensor | null | undefined): number[] => Array.from(t!.dataSync());
const f32 = fc.float({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }).map((x) => (Math.abs(x) < 1e-3 ? 0 : Math.fround(x)));
const gradList = fc.array(fc.array(f32, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });
const maxNorm = fc.double({ min: 0.05, max: 20, noNaN: true });
const ORDERS: RefOrder[] = [1, 2, 3, 'inf'];

describe('clipGradNorm properties', () => {
  it.each(ORDERS)('returns the reference pre-clip norm and ends at or below maxNorm (p=%s)', (p) => {
    fc.assert(
      fc.property(gradList, maxNorm, (list, max) => {
        const before = tf.memory().numTensors;
        const inputs = list.map((d) => tf.tensor1d(d));
        const { grads, totalNorm } = clipGradNorm(inputs, max, { normType: p });
        const ref = refTotalNorm(list, p).total;
        const post = refTotalNorm(grads.map((g) => vals(g)), p).total;
        const ok = closeTo(totalNorm.dataSync()[0]!, ref, 1e-5) && post <= max * (1 + 1e-5);
        tf.dispose([...inputs, ...(grads as Tensor[]), totalNorm]);
        return ok && tf.memory().numTensors === before;
      }),
      { numRuns: 40 },
    );
  });

  it('leaves gradients bit-identical below the threshold (coef exactly 1)', () => {
    fc.assert(
      fc.property(gradList, (list) => {
        const ref = refTotalNorm(list, 2).total;
        const { grads } = clipGradNorm(list.map((d) => tf.tensor1d(d)), ref * 2 + 1);
        return grads.every((g, i) => vals(g).every((v, j) => Object.is(v, Math.fround(list[i]![j]!))));
      }),
      { numRuns: 30 },
    );
  });

  it('preserves direction: every entry is scaled by the same factor', () => {
    fc.assert(
      fc.property(gradList, maxNorm, (list, max) => {
        const { grads } = clipGradNorm(list.map((d) => tf.tensor1d(d)), max);
        const ratios = grads.flatMap((g, i) => vals(g).map((v, j) => [v, list[i]![j]!] as const)).filter(([, x]) => x !== 0);
        return ratios.every(([v, x]) => closeTo(v / x, ratios[0]![0] / ratios[0]![1], 1e-6));
      }),
      { numRuns: 30 },
    );
  });

  it('is nearly idempotent: clipping twice changes values by at most ~1e-6/maxNorm relative', () => {
    // After one clip N' = max·N/(N+1e-6); the second coef is max/(N'+1e-6) ≈ 1 − 1e-6/max.
    fc.assert(
      fc.property(gradList, maxNorm, (list, max) => {
        const once = clipGradNorm(list.map((d) => tf.tensor1d(d)), max).grads as Tensor[];
        const twice = clipGradNorm(once, max).grads as Tensor[];
        return once.every((g, i) => vals(g).every((v, j) => closeTo(vals(twice[i])[j]!, v, 1.5e-6 / max + 1e-6)));
      }),
      { numRuns: 30 },
    );
  });
});

describe('clipGradNorm edge cases (PyTorch parity)', () => {
  it('matches the tutorial example [1..5], max 3: coef 0.40451986, clipped norm 2.9999995', () => {
    const { grads, totalNorm } = clipGradNorm([tf.tensor1d([1, 2, 3, 4, 5])], 3);
    // N = sqrt(55) = 7.4161983; coef = fl32(fl32(1/fl32(N+1e-6))*3) = 0.40451986.
    expect(totalNorm.dataSync()[0]).toBe(Math.fround(Math.sqrt(55)));
    expect(vals(grads[0])[0]).toBe(0.40451985597610474);
  });

  it('still shrinks at N == maxNorm ([3,4], max 5 → [2.9999993, 3.999999])', () => {
    expect(vals(clipGradNorm([tf.tensor1d([3, 4])], 5).grads[0])).toEqual([2.9999992847442627, 3.9999990463256836]);
  });

  it.each([
    ['no tensors', [] as number[][], 0, []],
    ['all zero', [[0, 0], [0]], 0, [[0, 0], [0]]],
  ])('%s: returns norm 0 and leaves gradients unchanged', (_n, list, norm, out) => {
    const r = clipGradNorm(list.map((d) => tf.tensor1d(d)), 1);
    expect(r.totalNorm.dataSync()[0]).toBe(norm);
    expect(r.grads.map((g) => vals(g))).toEqual(out);
  });

  it('NaN anywhere makes every gradient NaN and returns NaN', () => {
    const r = clipGradNorm([tf.tensor1d([1, 2]), tf.tensor1d([NaN])], 1);
    expect(r.totalNorm.dataSync()[0]).toBeNaN();
    expect(vals(r.grads[0]).every(Number.isNaN)).toBe(true);
  });

  it('inf zeroes finite entries (keeping sign) and turns inf into NaN; returns inf', () => {
    const r = clipGradNorm([tf.tensor1d([Infinity, -2, 3])], 1);
    expect(r.totalNorm.dataSync()[0]).toBe(Infinity);
    const [a, b, c] = vals(r.grads[0]);
    expect([Number.isNaN(a), Object.is(b, -0), Object.is(c, 0)]).toEqual([true, true, true]);
  });

  it('float32 overflow (entries 3e19) zeroes every gradient, as torch does', () => {
    const r = clipGradNorm([tf.tensor1d([3e19, 1])], 1);
    expect(r.totalNorm.dataSync()[0]).toBe(Infinity);
    expect(vals(r.grads[0])).toEqual([0, 0]);
  });

  it('maxNorm 0 zeroes, a negative maxNorm flips signs', () => {
    expect(vals(clipGradNorm([tf.tensor1d([3, -4])], 0).grads[0])).toEqual([0, -0]);
    const flipped = vals(clipGradNorm([tf.tensor1d([3, 4])], -1).grads[0]);
    expect(flipped[0]).toBeCloseTo(-0.6, 6);
    expect(flipped[1]).toBeCloseTo(-0.8, 6);
  });

  it('a single tensor and a list of one give the same result; null stays null; maps keep keys', () => {
    const list = clipGradNorm([null, tf.tensor1d([3, 4]), null], 1);
    expect(list.grads[0]).toBeNull();
    expect(vals(list.grads[1])).toEqual(vals(clipGradNorm([tf.tensor1d([3, 4])], 1).grads[0]));
    const map = clipGradNorm({ w: tf.tensor1d([3, 4]), b: tf.tensor1d([0]) }, 1);
    expect(Object.keys(map.grads)).toEqual(['w', 'b']);
    expect(vals(map.grads.w)).toEqual(vals(list.grads[1]));
  });

  it('errorIfNonfinite throws nonfinite_total_norm naming the option, inputs untouched, no leak', () => {
    const g = tf.tensor1d([1, NaN]);
    const before = tf.memory().numTensors;
    let err: unknown;
    try {
      clipGradNorm([g], 1, { errorIfNonfinite: true });
    } catch (e) {
      err = e;
    }
    expect(isGclipError(err) && err.code).toBe('nonfinite_total_norm');
    expect((err as Error).message).toContain('errorIfNonfinite');
    expect(tf.memory().numTensors).toBe(before);
    expect(g.isDisposed).toBe(false);
    expect(vals(g)[0]).toBe(1);
  });

  it('never disposes or changes its inputs', () => {
    const g = tf.tensor1d([30, 40]);
    clipGradNorm([g], 1);
    expect(vals(g)).toEqual([30, 40]);
  });
});

describe('clipGradValue', () => {
  it('clamps, keeps NaN, maps ±inf to ±c', () => {
    const out = clipGradValue([tf.tensor1d([NaN, Infinity, -Infinity, 0.2, -3])], 0.5);
    const v = vals(out[0]);
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([0.5, -0.5, Math.fround(0.2), -0.5]);
  });

  it('a negative clip value sets every entry to -|c| (torch applies max last)', () => {
    expect(vals(clipGradValue([tf.tensor1d([1, -2, 0.5])], -1)[0])).toEqual([-1, -1, -1]);
  });

  it('keeps null and map keys', () => {
    expect(clipGradValue([null], 1)).toEqual([null]);
    expect(Object.keys(clipGradValue({ a: tf.scalar(3) }, 1))).toEqual(['a']);
  });
});
