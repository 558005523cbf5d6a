import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { autoClip, autoClipNext } from './autoclip.js';
import { zClip, zClipNext } from './zclip.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './global-norm.js';
import { createClipper } from './clipper.js';
import type { ClipStrategy } from './types.js';
import { percentileLinear } from './percentile.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs a clipper over gradients of the given norms ([n] vectors); returns the numbers per step. */
function run<S>(strategy: ClipStrategy<S>, norms: readonly number[], restoreAt?: number): Record<string, number>[] {
  let clipper = createClipper(strategy);
  return norms.map((n, i) => {
    if (i === restoreAt) {
      const saved = JSON.parse(JSON.stringify(clipper.state)) as S;
      clipper = createClipper(strategy);
      clipper.restore(saved);
    }
    const g = tf.tensor1d([n]);
    const { grads, numbers } = clipper.clip({ w: g }, [g]);
    tf.dispose([g, ...Object.values(grads)]);
    return { ...numbers };
  });
}

describe('autoClip state', () => {
  it('walks good, NaN, zero, inf, good and keeps only finite positive norms (default)', () => {
    const o = {};
    let s = { history: [] as number[] } as { history: readonly number[] };
    const expected = [[2], [2], [2], [2], [2, 1]];
    [2, NaN, 0, Infinity, 1].forEach((n, i) => {
      s = autoClipNext(s, n, o);
      expect(s.history).toEqual(expected[i]);
    });
  });

  it("historyFilter 'all' keeps everything (the paper), window keeps the last norms", () => {
    let s = { history: [] as readonly number[] };
    for (const n of [0, 1, 2, 3]) s = autoClipNext(s, n, { historyFilter: 'all', window: 3 });
    expect(s.history).toEqual([1, 2, 3]);
  });

  it('the in-graph threshold equals numpy percentile of history plus the current norm', () => {
    const norms = [1.5, 1.2, 9, 1.1, 1.3, 0.9, 1.4];
    const numbers = run(autoClip({ percentile: 30 }), norms);
    numbers.forEach((r, i) => expect(r.threshold).toBeCloseTo(percentileLinear(norms.slice(0, i + 1), 30), 5));
  });

  it('serialised and restored mid-run gives identical numbers', () => {
    const norms = [1, 3, 2, 8, 1.5, 2.5, 0.7, 4];
    expect(run(autoClip(), norms, 4)).toEqual(run(autoClip(), norms));
  });
});

describe('zClip state', () => {
  const o = { warmupSteps: 3, alpha: 0.5, zThreshold: 2 };

  it('fills the warm-up buffer, initialises mean/variance, then updates the EMAs every step', () => {
    let s = zClip(o).init([]);
    s = zClipNext(s, 1, o);
    expect(s).toEqual({ buffer: [1], mean: null, variance: null });
    s = zClipNext(s, NaN, o); // guarded: a non-finite norm never enters the buffer
    expect(s).toEqual({ buffer: [1], mean: null, variance: null });
    s = zClipNext(s, 2, o);
    s = zClipNext(s, 3, o);
    // mean (1+2+3)/3 = 2; population variance (1+0+1)/3 = 2/3.
    expect(s).toEqual({ buffer: [], mean: 2, variance: 2 / 3 });
    s = zClipNext(s, 2.5, o);
    // z = 0.5/(0.8165+1e-6) < 2: x = 2.5; mean = 2.25; var = 0.5·2/3 + 0.5·0.25² = 0.36458…
    expect(s.mean).toBe(2.25);
    expect(s.variance).toBeCloseTo(0.5 * (2 / 3) + 0.5 * 0.0625, 15);
    const poisoned = zClipNext(s, NaN, o);
    expect(poisoned).toBe(s);
    const spike = zClipNext(s, 100, o);
    // A spike feeds g* (close to μ), not 100, into the EMA.
    expect(spike.mean).toBeLessThan(3);
  });

  it('clips a spike in apply and reads back coef, threshold and norm', () => {
    const numbers = run(zClip(o), [1, 2, 3, 50]);
    expect(numbers[2]!.coef).toBe(1);
    expect(numbers[3]!.coef).toBeLessThan(0.1);
    expect(numbers[3]!.norm).toBe(50);
  });

  it('serialised and restored mid-run gives identical numbers', () => {
    const norms = [1, 1.2, 0.9, 1.1, 5, 1, 0.95, 7, 1.05];
    expect(run(zClip(o), norms, 5)).toEqual(run(zClip(o), norms));
  });
});

describe('chain and clipper', () => {
  it('applies the children in order and multiplies their coefficients', () => {
    const s = chain(clipByGlobalNorm({ maxNorm: 4 }) as ClipStrategy, clipByGlobalNorm({ maxNorm: 2 }) as ClipStrategy);
    const [r] = run(s, [8]);
    expect(r!['1.preClipNorm']).toBeCloseTo(4, 4);
    expect(r!.coef).toBeCloseTo(0.25, 5);
    expect(r!.threshold).toBe(2);
  });

  it('rejects a state of the wrong length with "call init first"', () => {
    const s = chain(autoClip() as ClipStrategy);
    expect(() => s.next([], { preClipNorm: 1 })).toThrow(/call init first/);
  });

  it('leaks no tensors over many steps', () => {
    const clipper = createClipper(chain(zClip({ warmupSteps: 2 }) as ClipStrategy, autoClip() as ClipStrategy));
    const g = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) tf.dispose(Object.values(clipper.clip({ w: g }, [g]).grads));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors when the gradient names are not registered variables (no vars given)', () => {
    const clipper = createClipper(clipByGlobalNorm({ maxNorm: 1 }) as ClipStrategy);
    const grads = { 'not/a/variable': tf.tensor1d([3, 4]), 'nor/this': tf.tensor1d([0]) };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const { grads: out, numbers } = clipper.clip(grads);
      expect(numbers.preClipNorm).toBe(5);
      tf.dispose(Object.values(out));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(grads));
  });
});
