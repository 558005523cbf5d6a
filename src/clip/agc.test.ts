import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import { adaptiveGradClip, agcExcluded, agcUnitStats } from './agc.js';
import { clipPerTensorNorm } from './per-tensor-norm.js';
import { createClipContext } from './context.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vals = (t: Tensor | undefined): number[] => Array.from(t!.dataSync());

describe('adaptiveGradClip', () => {
  it('clips a dense unit to λ·‖W_i‖ and leaves the other unit untouched', () => {
    // Kernel [in=2, out=2]: unit 0 has W=(3,4) (‖W‖=5, max=0.05), G=(0.3,0.4) (‖G‖=0.5) → scale 0.1.
    // Unit 1 has W=(1,0), G=(0.001,0) (‖G‖=1e-3 < 0.01) → untouched.
    const w = tf.tensor2d([[3, 1], [4, 0]]);
    const g = tf.tensor2d([[0.3, 0.001], [0.4, 0]]);
    const s = adaptiveGradClip({ clipping: 0.01 });
    const out = s.apply([g], {}, createClipContext([g], { vars: [w] }));
    const v = vals(out.grads[0]);
    expect(v[0]).toBeCloseTo(0.03, 7);
    expect(v[2]).toBeCloseTo(0.04, 7);
    expect(v[1]).toBe(Math.fround(0.001));
    expect(out.readback.clippedUnits!.dataSync()[0]).toBe(1);
    expect(out.readback.coef!.dataSync()[0]).toBeCloseTo(0.1, 6);
  });

  it('floors zero parameters at eps: a zero bias is clipped to λ·1e-3', () => {
    const g = tf.tensor1d([3, 4]);
    const out = adaptiveGradClip().apply([g], {}, createClipContext([g], { vars: [tf.zeros([2])] }));
    // max = 0.01·1e-3 = 1e-5, so the clipped norm is 1e-5.
    expect(Math.hypot(...vals(out.grads[0]))).toBeCloseTo(1e-5, 9);
  });

  it('timm layout on [out, in] equals optax layout on [in, out]', () => {
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const g = tf.mul(tf.randomNormal([3, 4], 0, 1, 'float32', 2), 0.05);
    const optax = agcUnitStats(g, w, 0.01, 1e-3, 'optax').scale;
    const timm = agcUnitStats(tf.transpose(g), tf.transpose(w), 0.01, 1e-3, 'timm').scale;
    expect(vals(timm)).toEqual(vals(optax));
  });

  it('differs on a [1, k] kernel: optax takes the whole tensor, timm each row (squeeze quirk)', () => {
    const x = tf.tensor2d([[1, 2, 2]]);
    expect(agcUnitStats(x, x, 1, 1e-3, 'optax').gradNorm.shape).toEqual([1, 1]);
    expect(agcUnitStats(x, x, 1, 1e-3, 'timm').gradNorm.shape).toEqual([1, 1]);
    expect(agcUnitStats(tf.transpose(x), tf.transpose(x), 1, 1e-3, 'timm').gradNorm.shape).toEqual([3, 1]);
  });

  it('excludeFinal skips the last variable of rank ≥ 2 (the classifier kernel)', () => {
    const grads = [tf.zeros([2, 2]), tf.zeros([2]), tf.zeros([2, 3]), tf.zeros([3])];
    expect([...agcExcluded(grads, { excludeFinal: true })]).toEqual([2]);
  });

  it('rejects a non-positive clipping', () => {
    expect(() => adaptiveGradClip({ clipping: 0 })).toThrow(/clip.clipping/);
  });
});

describe('clipPerTensorNorm', () => {
  it('clips each tensor to its own norm, exact division: [3,4,5] to 5 → 5/√50·[3,4,5]', () => {
    const a = tf.tensor1d([3, 4, 5]);
    const b = tf.tensor1d([0.3, 0.4]);
    const out = clipPerTensorNorm({ maxNorm: 5 }).apply([a, b], {}, createClipContext([a, b], { normType: 'inf' }));
    expect(vals(out.grads[0])[0]).toBeCloseTo(2.1213202, 6);
    expect(vals(out.grads[1])).toEqual(vals(b));
    expect(out.readback.coef!.dataSync()[0]).toBeCloseTo(5 / Math.sqrt(50), 6);
  });

  it('an inf tensor becomes NaN/0 and leaves the other tensors alone', () => {
    const a = tf.tensor1d([Infinity, 1]);
    const b = tf.tensor1d([0.1]);
    const out = clipPerTensorNorm({ maxNorm: 1 }).apply([a, b], {}, createClipContext([a, b]));
    const v = vals(out.grads[0]);
    expect(Number.isNaN(v[0])).toBe(true);
    expect(v[1]).toBe(0);
    expect(vals(out.grads[1])).toEqual(vals(b));
  });
});
