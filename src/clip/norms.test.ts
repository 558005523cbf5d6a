import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { layerNorms, measureNorms, tensorNorm } from './norms.js';
import { closeTo, refNorm, refTotalNorm, type RefOrder } from '../../test/helpers/reference-norms.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ORDERS: RefOrder[] = [1, 2, 3, 'inf'];
// Entries below 1e-3 are set to 0: their cubes underflow float32, which is tested separately.
const f32 = fc
  .float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true })
  .map((x) => (Math.abs(x) < 1e-3 ? 0 : Math.fround(x)));
const tensorData = fc.array(f32, { minLength: 1, maxLength: 12 });

describe('tensorNorm', () => {
  it.each(ORDERS)('equals the float64 reference for p=%s', (p) => {
    fc.assert(
      fc.property(tensorData, (data) => {
        const n = tensorNorm(tf.tensor1d(data), p);
        const ok = closeTo(n.dataSync()[0]!, refNorm(data, p), 1e-5, 1e-30);
        n.dispose();
        return ok;
      }),
      { numRuns: 50 },
    );
  });

  it('computes p=0.5, p=0 (non-zero count) and p=-Infinity (min |x|) like torch', () => {
    const x = tf.tensor1d([1, -4, 0, 9]);
    // (1 + 2 + 0 + 3)^2 = 36; 3 non-zero entries; min |x| = 0.
    expect(tensorNorm(x, 0.5).dataSync()[0]).toBeCloseTo(36, 4);
    expect(tensorNorm(x, 0).dataSync()[0]).toBe(3);
    expect(tensorNorm(x, -Infinity).dataSync()[0]).toBe(0);
  });
});

describe('measureNorms', () => {
  it.each(ORDERS)('returns reference per-tensor norms and total for p=%s', (p) => {
    fc.assert(
      fc.property(fc.array(tensorData, { minLength: 1, maxLength: 4 }), (list) => {
        const before = tf.memory().numTensors;
        const { tensorNorms, totalNorm } = measureNorms(list.map((d) => tf.tensor1d(d)), p);
        const ref = refTotalNorm(list, p);
        const got = Array.from(tensorNorms.dataSync());
        const ok = got.every((g, i) => closeTo(g, ref.tensorNorms[i]!, 1e-5)) && closeTo(totalNorm.dataSync()[0]!, ref.total, 1e-5);
        tf.dispose([tensorNorms, totalNorm]);
        return ok && tf.memory().numTensors === before + list.length;
      }),
      { numRuns: 30 },
    );
  });

  it('gives shape [0] norms and a total of 0 for an empty list (torch returns tensor(0.))', () => {
    const { tensorNorms, totalNorm } = measureNorms([], 2);
    expect(tensorNorms.shape).toEqual([0]);
    expect(totalNorm.dataSync()[0]).toBe(0);
  });

  it('overflows to inf in float32 for finite entries of 3e19, as torch does', () => {
    // (3e19)² = 9e38 > 3.4e38 (float32 max).
    expect(measureNorms([tf.tensor1d([3e19, 1])], 2).totalNorm.dataSync()[0]).toBe(Infinity);
    expect(measureNorms([tf.tensor1d([1e19, 1e19])], 2).totalNorm.dataSync()[0]).toBeCloseTo(1.4142135e19, -13);
  });

  it('propagates NaN and inf to the total', () => {
    expect(measureNorms([tf.tensor1d([1]), tf.tensor1d([NaN])], 2).totalNorm.dataSync()[0]).toBeNaN();
    expect(measureNorms([tf.tensor1d([1]), tf.tensor1d([-Infinity])], 'inf').totalNorm.dataSync()[0]).toBe(Infinity);
  });

  it('treats a scalar gradient like a one-element vector', () => {
    expect(measureNorms([tf.scalar(-3)], 2).totalNorm.dataSync()[0]).toBe(3);
  });
});

describe('layerNorms', () => {
  it.each(ORDERS)('combines per-tensor norms into group norms for p=%s', (p) => {
    const tensors = [[3, 4], [1, -2, 2], [5], [0.5, 0.5]];
    const groups = [[0, 1], [2], [], [3, 0]];
    const { tensorNorms } = measureNorms(tensors.map((t) => tf.tensor1d(t)), p);
    const got = Array.from(layerNorms(tensorNorms, groups, p).dataSync());
    const ref = groups.map((g) => refNorm(g.flatMap((i) => tensors[i]!), p));
    got.forEach((v, i) => expect(closeTo(v, ref[i]!, 1e-6)).toBe(true));
  });

  it('keeps a NaN inside its own group', () => {
    const norms = tf.tensor1d([NaN, 2, 3]);
    const got = Array.from(layerNorms(norms, [[0], [1, 2]], 2).dataSync());
    expect(got[0]).toBeNaN();
    expect(got[1]).toBeCloseTo(Math.sqrt(13), 5);
  });

  it('leaks no tensors', () => {
    const norms = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    layerNorms(norms, [[0, 1]], 3).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
