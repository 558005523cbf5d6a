import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor, type Variable } from '../runtime/tf.js';
import { adamInternals, clipUpdates, updateLrFactor, updateRmsKey } from '../clip/update-clip.js';
import { createClipContext } from '../clip/context.js';
import { isGclipError } from '../errors.js';
import { noClip } from '../clip/none.js';
import { createStepUpdate } from './update-clip.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let made: (Variable | tf.Optimizer)[] = [];
let count = 0;
afterEach(() => {
  for (const x of made) x.dispose();
  made = [];
});

function variables(values: readonly number[][]): Variable[] {
  const vs = values.map((v) => tf.variable(tf.tensor1d(v), true, `update-clip-test-${count++}`));
  made.push(...vs);
  return vs;
}

function adam(lr = 0.01, beta2 = 0.999): tf.AdamOptimizer {
  const o = tf.train.adam(lr, 0.9, beta2, 1e-7);
  made.push(o);
  return o;
}

/** Sets a tfjs optimizer's learning rate (a protected field tfjs reads at every step). */
function setRate(o: tf.Optimizer, lr: number): void {
  (o as unknown as { learningRate: number }).learningRate = lr;
}

/** The strategy's readback for `grads` with `optimizer`'s current state. */
function readback(optimizer: tf.Optimizer, grads: readonly Tensor[], maxRms = 1): Record<string, number> {
  return tf.tidy(() => {
    const ctx = { ...createClipContext(grads), optimizer };
    const out = clipUpdates({ maxRms }).apply(grads, {}, ctx);
    expect(out.grads).toEqual(grads); // the gradient itself passes unchanged
    return Object.fromEntries(Object.entries(out.readback).map(([k, v]) => [k, v.dataSync()[0]!]));
  });
}

/** float64 reference: v̂ = v_t / (1 − β2^t), rms = sqrt(mean(g² / max(v̂, ε²))). */
function refRms(g: readonly number[], v: readonly number[], t: number, beta2: number, eps: number): number {
  const terms = g.map((x, i) => {
    const vt = v[i]! * beta2 + x * x * (1 - beta2);
    return (x * x) / Math.max(vt / (1 - beta2 ** t), eps * eps);
  });
  return Math.sqrt(terms.reduce((a, b) => a + b, 0) / terms.length);
}

describe('update RMS', () => {
  it('is exactly 1 on the first step (v̂₁ = g²) when every |g| exceeds ε, so nothing is clipped', () => {
    const grads = [tf.tensor1d([0.3, -2, 1e-3]), tf.tensor1d([5])];
    const r = readback(adam(), grads);
    expect([r[updateRmsKey(0)], r[updateRmsKey(1)], r.coef, r.threshold]).toEqual([1, 1, 1, 1]);
    tf.dispose(grads);
  });

  it('floors v̂ at ε²: gradients below ε give RMS |g|/ε on the first step', () => {
    const g = tf.tensor1d([1e-8, 1e-8]);
    expect(readback(adam(), [g])[updateRmsKey(0)]).toBeCloseTo(0.1, 6);
    g.dispose();
  });

  it('matches a float64 reference after a few steps, and a spike gives RMS > 1 and coef 1/RMS', () => {
    const [w] = variables([[0.5, -0.2, 0.1, 0.7]]);
    const optimizer = adam();
    const history = [[0.1, 0.2, -0.1, 0.05], [0.12, 0.18, -0.09, 0.06], [0.09, 0.21, -0.11, 0.04]];
    const v = [0, 0, 0, 0];
    for (const h of history) {
      const g = tf.tensor1d(h);
      optimizer.applyGradients([{ name: w!.name, tensor: g }]);
      h.forEach((x, i) => (v[i] = v[i]! * 0.999 + x * x * 0.001));
      g.dispose();
    }
    const spike = [3, -4, 2, 1];
    const g = tf.tensor1d(spike);
    const r = readback(optimizer, [g]);
    const expected = refRms(spike, v, 4, 0.999, 1e-7);
    expect(expected).toBeGreaterThan(1);
    expect(r[updateRmsKey(0)]! / expected - 1).toBeLessThan(1e-6);
    expect(r.coef).toBeCloseTo(1 / expected, 6);
    g.dispose();
  });
});

describe('updateLrFactor', () => {
  it.each([
    [0.5, 1, 1],
    [1, 1, 1],
    [4, 1, 0.25],
    [1, 0.5, 0.5],
    [NaN, 1, 1], // Python's max(1, NaN) is 1: the reference leaves the step alone
    [Infinity, 1, 0],
  ])('rms %f with maxRms %f gives %f', (rms, maxRms, factor) => {
    expect(updateLrFactor(rms, maxRms)).toBe(factor);
  });
});

describe('createStepUpdate', () => {
  it('is tfjs Adam bit for bit when nothing is clipped, and scales only the clipped tensor’s step otherwise', () => {
    const [a, b] = variables([[0.5, -0.3], [1, 2]]);
    const [twinA, twinB] = variables([[0.5, -0.3], [1, 2]]);
    const optimizer = adam();
    const refA = adam(); // one twin optimizer per variable: tfjs's own ops with that variable's rate
    const refB = adam();
    const update = createStepUpdate(optimizer, [a!, b!], clipUpdates());
    const steps = [[[0.1, 0.2], [0.3, -0.1]], [[0.1, 0.25], [0.3, -0.12]], [[5, -8], [0.2, -0.05]]];
    const factors: number[][] = [];
    for (const [ga, gb] of steps) {
      const grads = [tf.tensor1d(ga!), tf.tensor1d(gb!)];
      const r = readback(optimizer, grads);
      update(grads, r);
      const f = [0, 1].map((i) => updateLrFactor(r[updateRmsKey(i)]!, 1));
      factors.push(f);
      setRate(refA, 0.01 * f[0]!);
      setRate(refB, 0.01 * f[1]!);
      refA.applyGradients([{ name: twinA!.name, tensor: grads[0]! }]);
      refB.applyGradients([{ name: twinB!.name, tensor: grads[1]! }]);
      tf.dispose(grads);
    }
    // Step 3: the spike clips a's step; b's (smaller gradient) is not clipped in the same step.
    expect(factors[2]![0]).toBeLessThan(1);
    expect(factors[2]![1]).toBe(1);
    expect(factors[0]).toEqual([1, 1]);
    expect(a!.dataSync()).toEqual(twinA!.dataSync());
    expect(b!.dataSync()).toEqual(twinB!.dataSync());
    expect(optimizer.iterations).toBe(3);
  });

  it('creates tfjs’s slots when the first step is clipped, under tfjs’s names', async () => {
    const [w] = variables([[1, 2]]);
    const optimizer = adam();
    const update = createStepUpdate(optimizer, [w!], clipUpdates({ maxRms: 0.5 }));
    const g = tf.tensor1d([0.1, 0.2]);
    update([g], readback(optimizer, [g], 0.5));
    const names = (await optimizer.getWeights()).map((x) => x.name);
    expect(names).toEqual(['iter', `${w!.name}/m`, `${w!.name}/v`]);
    g.dispose();
  });

  it('refuses an optimizer other than Adam with update_clip_optimizer (exit 2)', () => {
    const [w] = variables([[1]]);
    const sgd = tf.train.sgd(0.1);
    made.push(sgd);
    try {
      createStepUpdate(sgd, [w!], clipUpdates());
      expect.unreachable();
    } catch (e) {
      expect(isGclipError(e) && [e.code, e.exitCode, e.issues[0]!.path]).toEqual(['update_clip_optimizer', 2, 'train.optimizer']);
      expect(String(e)).toMatch(/needs tfjs's Adam optimizer, received 'SGD'/);
    }
    expect(() => adamInternals(undefined)).toThrow(/received no optimizer/);
  });

  it('leaves other strategies on the usual update', () => {
    const [w] = variables([[1]]);
    const optimizer = adam();
    const g = tf.tensor1d([0.5]);
    createStepUpdate(optimizer, [w!], noClip())([g], {});
    expect(optimizer.iterations).toBe(1);
    g.dispose();
  });
});
