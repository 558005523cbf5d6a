import { describe, expect, it } from 'vitest';
import { addingDataSchema, classificationDataSchema, regressionDataSchema } from '../config/schema.js';
import { createRng } from '../runtime/rng.js';
import { makeSyntheticData } from './synthetic.js';

const regression = regressionDataSchema.parse({ kind: 'regression', samples: 500, features: 6 });
const classification = classificationDataSchema.parse({ kind: 'classification', samples: 600, features: 5, classes: 4 });
const adding = addingDataSchema.parse({ kind: 'adding', samples: 300, seqLength: 11 });

describe('makeSyntheticData', () => {
  it.each([regression, classification, adding])('gives identical bytes for the same seed and different ones for another seed ($kind)', (cfg) => {
    const a = makeSyntheticData(cfg, createRng(3));
    const b = makeSyntheticData(cfg, createRng(3));
    const c = makeSyntheticData(cfg, createRng(4));
    expect(Buffer.from(a.x.buffer)).toEqual(Buffer.from(b.x.buffer));
    expect(Buffer.from(a.y.buffer)).toEqual(Buffer.from(b.y.buffer));
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(c.x.buffer))).toBe(false);
  });

  it('has the documented shapes for each task', () => {
    const r = makeSyntheticData(regression, createRng(1));
    expect([r.task, r.inputShape, r.outputDim, r.samples, r.x.length, r.y.length]).toEqual(['regression', [6], 1, 500, 3000, 500]);
    expect(r.featureNames).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
    const c = makeSyntheticData(classification, createRng(1));
    expect([c.task, c.inputShape, c.outputDim, c.x.length, c.y.length]).toEqual(['classification', [5], 4, 3000, 2400]);
    const a = makeSyntheticData(adding, createRng(1));
    expect([a.task, a.inputShape, a.outputDim, a.x.length, a.y.length]).toEqual(['regression', [11, 2], 1, 300 * 22, 300]);
    expect(a.featureNames).toBeUndefined();
  });

  it('does not advance the caller rng', () => {
    const rng = createRng(9);
    makeSyntheticData(adding, rng);
    expect(rng.uniform()).toBe(createRng(9).uniform());
  });

  it('keeps the first rows when more samples are asked for', () => {
    const small = makeSyntheticData({ ...regression, samples: 10 }, createRng(2));
    const big = makeSyntheticData(regression, createRng(2));
    expect(Array.from(big.x.subarray(0, 60))).toEqual(Array.from(small.x));
    expect(Array.from(big.y.subarray(0, 10))).toEqual(Array.from(small.y));
  });

  it('regression targets have variance of order one and noise adds to it', () => {
    const variance = (y: Float32Array): number => {
      const m = y.reduce((s, v) => s + v, 0) / y.length;
      return y.reduce((s, v) => s + (v - m) ** 2, 0) / y.length;
    };
    const clean = makeSyntheticData({ ...regression, samples: 4000, noise: 0 }, createRng(5));
    const noisy = makeSyntheticData({ ...regression, samples: 4000, noise: 1 }, createRng(5));
    // Var(w·x) = 1 for the unit teacher vector; the tanh term adds a little.
    expect(variance(clean.y)).toBeGreaterThan(0.9);
    expect(variance(clean.y)).toBeLessThan(2);
    // Independent noise of variance 1 adds about 1 to the variance.
    expect(variance(noisy.y) - variance(clean.y)).toBeCloseTo(1, 0);
  });

  it('classification targets are one-hot and every class occurs', () => {
    const c = makeSyntheticData(classification, createRng(8));
    const counts = [0, 0, 0, 0];
    for (let s = 0; s < c.samples; s++) {
      const row = Array.from(c.y.subarray(s * 4, s * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      counts[row.indexOf(1)]! += 1;
    }
    // 600 uniform labels over 4 classes: 150 expected each, std ≈ 10.6.
    for (const n of counts) expect(Math.abs(n - 150)).toBeLessThan(50);
  });

  it('adding problem: two markers, one per half, target is the sum of the marked values', () => {
    for (const seqLength of [2, 3, 11, 50]) {
      const a = makeSyntheticData({ ...adding, seqLength }, createRng(seqLength));
      const half = Math.floor(seqLength / 2);
      for (let s = 0; s < a.samples; s++) {
        const base = s * seqLength * 2;
        const marked: number[] = [];
        let sum = 0;
        for (let t = 0; t < seqLength; t++) {
          const value = a.x[base + 2 * t]!;
          const marker = a.x[base + 2 * t + 1]!;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThan(1);
          expect([0, 1]).toContain(marker);
          if (marker === 1) {
            marked.push(t);
            sum += value;
          }
        }
        expect(marked).toHaveLength(2);
        expect(marked[0]!).toBeLessThan(half);
        expect(marked[1]!).toBeGreaterThanOrEqual(half);
        expect(a.y[s]).toBe(Math.fround(sum));
      }
    }
  });
});
