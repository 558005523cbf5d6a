import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { adaGC, adaGCNext, type AdaGCOptions, type AdaGCState } from './adagc.js';
import { createClipper } from './clipper.js';
import { runScripted } from '../../test/helpers/clip-run.js';
import { isGclipError } from '../errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const f = Math.fround;

/** Runs AdaGC on one-element tensors (their values are their norms). */
const run = (o: AdaGCOptions, steps: readonly (readonly number[])[], restoreAt?: number) => runScripted(() => adaGC(o), steps, restoreAt);

describe('adaGC warm-up', () => {
  const o = { warmupSteps: 2, maxNorm: 2.5, clipRatio: 2, beta: 0.5 };

  it('clips globally, keeps the smallest clipped norm per tensor, then switches to per-tensor clipping', () => {
    const [s0, s1, s2] = run(o, [[3, 4], [1, 8], [1, 1]]);
    // Step 0: N = 5, coef = 2.5/(5+1e-6) ≈ 0.5, clipped norms ≈ 1.5 and 2.
    expect(s0!.numbers.coef).toBeCloseTo(0.5, 6);
    expect(s0!.state.step).toBe(1);
    expect(s0!.state.gamma[0]).toBeCloseTo(1.5, 5);
    expect(s0!.state.gamma[1]).toBeCloseTo(2, 5);
    // Step 1: N = √65, coef ≈ 0.3101; clipped norms ≈ 0.31 (new minimum) and 2.48 (> 2: γ keeps 2).
    const c1 = 2.5 / Math.sqrt(65);
    expect(s1!.state.gamma[0]).toBeCloseTo(c1, 5);
    expect(s1!.state.gamma[1]).toBeCloseTo(2, 5);
    expect(s1!.state.step).toBe(2);
    // Step 2 (active): thresholds 2γ ≈ [0.62, 4]; tensor 0 (norm 1) is clipped to 0.62, tensor 1 is not.
    expect(s2!.grads[0]![0]).toBeCloseTo(2 * c1, 5);
    expect(s2!.grads[1]![0]).toBe(1);
    expect(s2!.numbers.coef).toBeCloseTo(2 * c1, 5);
    // γ ← 0.5γ + 0.5x with x = the clipped norm: [0.5·0.31 + 0.5·0.62, 0.5·2 + 0.5·1].
    expect(s2!.state.gamma[0]).toBeCloseTo(1.5 * c1, 5);
    expect(s2!.state.gamma[1]).toBeCloseTo(1.5, 5);
    expect(s2!.state.step).toBe(2);
  });

  it('leaves the gradients untouched in the warm-up when the global norm is below λ_abs', () => {
    const [s0] = run(o, [[0.3, 0.4]]);
    expect(s0!.numbers.coef).toBe(1);
    expect(s0!.grads).toEqual([[f(0.3)], [f(0.4)]]);
    expect(s0!.state.gamma).toEqual([f(0.3), f(0.4)]);
  });
});

describe('adaGC state arithmetic', () => {
  it('updates γ in float32 exactly as the reference: fl(fl(γ·fl(β)) + fl(x·fl(1−β)))', () => {
    const o = { warmupSteps: 0, beta: 0.99, clipRatio: 1.04 };
    let s: AdaGCState = { step: 0, gamma: [f(0.3)] };
    s = adaGCNext(s, [f(0.2)], o);
    expect(s.gamma[0]).toBe(f(f(f(0.3) * f(0.99)) + f(f(0.2) * f(1 - 0.99))));
  });

  it('starts γ at a tensor’s first norm when there was no warm-up, and does not clip that step', () => {
    const [s0, s1] = run({ warmupSteps: 0, clipRatio: 1.5, beta: 0.5 }, [[2, 0.5], [4, 0.5]]);
    expect(s0!.numbers.coef).toBe(1);
    expect(s0!.state.gamma).toEqual([2, 0.5]);
    // Step 1: threshold 1.5·2 = 3 < 4: clipped to 3/(4+1e-6); γ = 0.5·2 + 0.5·3.
    expect(s1!.grads[0]![0]).toBeCloseTo(3, 5);
    expect(s1!.state.gamma[0]).toBe(2.5);
    expect(s1!.numbers.threshold).toBeCloseTo(Math.hypot(3, 0.75), 5);
  });
});

describe('adaGC non-finite and zero norms', () => {
  const o = { warmupSteps: 1, maxNorm: 100, clipRatio: 2, beta: 0.5 };
  const steps = [[1, 0], [NaN, 2], [Infinity, 1]];

  it('keeps NaN, inf and zero norms out of γ by default', () => {
    const [s0, s1, s2] = run(o, steps);
    expect(s0!.state.gamma).toEqual([1, null]); // an all-zero tensor gets no γ
    expect(s1!.state.gamma).toEqual([1, 2]); // NaN leaves γ₀; γ₁ starts at its first norm
    // inf is clipped with factor 0 (the inf entry becomes NaN) and γ₀ takes the threshold 2·1.
    expect(s2!.numbers.coef).toBe(0);
    expect(s2!.grads[0]![0]).toBeNaN();
    expect(s2!.state.gamma).toEqual([1.5, 1.5]);
  });

  it("historyFilter 'all' reproduces the reference: NaN poisons γ₀ for good, a zero warm-up norm zeroes tensor 1", () => {
    const [s0, s1, s2] = run({ ...o, historyFilter: 'all' }, steps);
    expect(s0!.state.gamma).toEqual([1, 0]);
    expect(s1!.state.gamma[0]).toBeNaN();
    expect(s1!.grads[1]).toEqual([0]); // threshold 2·0 = 0: multiplied by 0
    expect(s1!.state.gamma[1]).toBe(0);
    expect(s2!.grads[0]![0]).toBe(Infinity); // NaN threshold: never clipped again
    expect(s2!.state.gamma[0]).toBeNaN();
    expect(s2!.grads[1]).toEqual([0]);
  });
});

describe('adaGC resume', () => {
  const o = { warmupSteps: 3, maxNorm: 1, clipRatio: 1.1, beta: 0.8 };
  const steps = [[0.5, 0.9], [0.7, 0.2], [1.5, 0.3], [0.6, 0.25], [3, 0.2], [0.5, 2], [0.55, 0.3], [NaN, 0.3], [0.5, 0.28], [0.6, 0.31]];

  it.each([1, 3, 6])('serialised and restored at step %i gives identical records', (at) => {
    expect(run(o, steps, at)).toEqual(run(o, steps));
  });

  it('leaks no tensors over many steps', () => {
    const clipper = createClipper(adaGC({ warmupSteps: 2 }));
    const g = { a: tf.tensor1d([1, 2]), b: tf.tensor1d([3]) };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) tf.dispose(Object.values(clipper.clip(g, [g.a, g.b]).grads));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(g));
  });
});

describe('adaGC options', () => {
  it.each([
    [{ beta: 1 }, 'clip.beta'],
    [{ clipRatio: 0 }, 'clip.clipRatio'],
    [{ warmupSteps: -1 }, 'clip.warmupSteps'],
    [{ maxNorm: Infinity }, 'clip.maxNorm'],
    [{ historyFilter: 'some' as 'all' }, 'clip.historyFilter'],
  ])('rejects %j with invalid_clip_option at %s', (options, path) => {
    try {
      adaGC(options);
      expect.unreachable();
    } catch (e) {
      expect(isGclipError(e) && e.code).toBe('invalid_clip_option');
      expect(isGclipError(e) && e.issues[0]!.path).toBe(path);
    }
  });
});
