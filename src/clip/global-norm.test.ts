import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import { clipByGlobalNorm } from './global-norm.js';
import { clipByValue } from './value.js';
import { noClip } from './none.js';
import { createClipContext } from './context.js';
import { isGclipError } from '../errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vals = (t: Tensor | undefined): number[] => Array.from(t!.dataSync());

describe('clipByGlobalNorm', () => {
  it('reuses ctx.totalNorm when its norm type matches (no recomputation)', () => {
    const grads = [tf.tensor1d([3, 4])];
    // A fake total of 10 must be used as is: coef = 1/(10+1e-6) ≈ 0.1.
    const ctx = { ...createClipContext(grads), totalNorm: tf.scalar(10) };
    const s = clipByGlobalNorm({ maxNorm: 1 });
    const out = s.apply(grads, s.init([]), ctx);
    expect(out.readback.coef!.dataSync()[0]).toBeCloseTo(0.1, 6);
  });

  it('measures its own norm when the orders differ', () => {
    const grads = [tf.tensor1d([3, 4])];
    const s = clipByGlobalNorm({ maxNorm: 1, normType: 1 });
    const out = s.apply(grads, s.init([]), createClipContext(grads, { normType: 2 }));
    // L1 norm 7 → coef 1/7.
    expect(out.readback.coef!.dataSync()[0]).toBeCloseTo(1 / 7, 6);
    expect(out.readback.threshold!.dataSync()[0]).toBe(1);
  });

  it('exact semantics leaves N == max untouched; torch shrinks it', () => {
    const grads = [tf.tensor1d([3, 4])];
    const ctx = createClipContext(grads);
    const exact = clipByGlobalNorm({ maxNorm: 5, semantics: 'exact' });
    expect(vals(exact.apply(grads, {}, ctx).grads[0])).toEqual([3, 4]);
    const torch = clipByGlobalNorm({ maxNorm: 5 });
    expect(vals(torch.apply(grads, {}, ctx).grads[0])).toEqual([2.9999992847442627, 3.9999990463256836]);
  });

  it('tf semantics turns every output NaN for an inf norm; exact zeroes finite entries', () => {
    const grads = [tf.tensor1d([Infinity, 1]), tf.tensor1d([2])];
    const ctx = createClipContext(grads);
    const tfOut = clipByGlobalNorm({ maxNorm: 1, semantics: 'tf' }).apply(grads, {}, ctx);
    expect(tfOut.grads.flatMap(vals).every(Number.isNaN)).toBe(true);
    const exactOut = clipByGlobalNorm({ maxNorm: 1, semantics: 'exact' }).apply(grads, {}, ctx);
    expect(vals(exactOut.grads[1])).toEqual([0]);
  });

  it('is stateless and leaks nothing inside the caller', () => {
    const grads = [tf.tensor1d([3, 4])];
    const ctx = createClipContext(grads);
    const s = clipByGlobalNorm({ maxNorm: 1 });
    const before = tf.memory().numTensors;
    const out = s.apply(grads, s.init([]), ctx);
    tf.dispose([...out.grads, ...Object.values(out.readback)]);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.next({}, { preClipNorm: 5, coef: 0.2 })).toEqual({});
  });

  it.each([0, -1, NaN, Infinity])('rejects maxNorm %s with invalid_clip_option on clip.maxNorm', (maxNorm) => {
    let err: unknown;
    try {
      clipByGlobalNorm({ maxNorm });
    } catch (e) {
      err = e;
    }
    expect(isGclipError(err) && err.code).toBe('invalid_clip_option');
    expect(isGclipError(err) && err.issues[0]?.path).toBe('clip.maxNorm');
    expect(isGclipError(err) && err.issues[0]?.hint).toBeTruthy();
  });

  it('rejects a norm type below 1', () => {
    expect(() => clipByGlobalNorm({ maxNorm: 1, normType: 0.5 })).toThrow(/clip.normType/);
  });
});

describe('clipByValue and noClip', () => {
  it('clipByValue clamps each entry and reads back the threshold only', () => {
    const grads = [tf.tensor1d([2, -0.1, -7])];
    const out = clipByValue({ clipValue: 1 }).apply(grads, {}, createClipContext(grads));
    expect(vals(out.grads[0])).toEqual([1, Math.fround(-0.1), -1]);
    expect(Object.keys(out.readback)).toEqual(['threshold']);
  });

  it('clipByValue rejects a non-positive clip value', () => {
    expect(() => clipByValue({ clipValue: 0 })).toThrow(/clip.clipValue/);
  });

  it('noClip returns the same tensors and no readback', () => {
    const grads = [tf.tensor1d([2])];
    const out = noClip().apply(grads, {}, createClipContext(grads));
    expect(out.grads[0]).toBe(grads[0]);
    expect(out.readback).toEqual({});
  });
});
