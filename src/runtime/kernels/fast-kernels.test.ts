/**
 * The wasm kernels gclip swaps in for speed (BatchMatMul with transposed operands,
 * MaxPoolGrad) against the cpu backend and against tfjs-backend-wasm's own kernels.
 */
import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { tf } from '../tf.js';
import { isGclipKernel, registerWasmKernels } from './register.js';
import { relError, seededValues } from '../../../test/helpers/numeric.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Runs `f` on `backend`, returns the values of its result, checks no tensor leaked. */
async function on(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(f);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return data;
}

useWasmBackend();

describe('wasm BatchMatMul with transposed operands', () => {
  const CASES = [
    { name: 'rank 2, the LSTM gradient shapes', a: [64, 32], b: [128, 32], ta: false, tb: true },
    { name: 'rank 2, transposeA', a: [64, 32], b: [64, 128], ta: true, tb: false },
    { name: 'rank 2, both transposed, odd sizes', a: [37, 5], b: [11, 37], ta: true, tb: true },
    { name: 'batch 3, transposeA', a: [3, 40, 33], b: [3, 40, 7], ta: true, tb: false },
    { name: 'batch broadcast [1] against [3], transposeB', a: [1, 9, 70], b: [3, 4, 70], ta: false, tb: true },
    { name: 'rank 4, both transposed', a: [2, 2, 6, 5], b: [2, 2, 3, 6], ta: true, tb: true },
    { name: 'batch 2, both transposed, sides multiples of 4 (the SIMD transpose)', a: [2, 16, 12], b: [2, 8, 16], ta: true, tb: true },
    { name: 'rank 2, the mlp-100k weight gradient', a: [128, 256], b: [128, 128], ta: true, tb: false },
    { name: 'rank 2, transposeB computed as (b·aᵀ)ᵀ (a dense layer’s input gradient)', a: [16, 64], b: [256, 64], ta: false, tb: true },
    { name: 'rank 2, transposeB swapped, sides not multiples of 4', a: [9, 70], b: [301, 70], ta: false, tb: true },
    { name: 'rank 2, untransposed with a new wide b, computed as (bᵀ·aᵀ)ᵀ (a dense layer’s forward)', a: [8, 64], b: [64, 512], ta: false, tb: false },
  ];

  it.each(CASES)('matches cpu and the backend’s own untransposed product bit for bit: $name', async (c) => {
    const av = seededValues(size(c.a), 1);
    const bv = seededValues(size(c.b), 2);
    const product = () => tf.matMul(tf.tensor(av, c.a), tf.tensor(bv, c.b), c.ta, c.tb);
    const flip = (t: tf.Tensor, yes: boolean) => (yes ? tf.transpose(t, [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : 2 * all.length - 3 - i))) : t);
    const explicit = () => tf.matMul(flip(tf.tensor(av, c.a), c.ta), flip(tf.tensor(bv, c.b), c.tb));
    const cpu = await on('cpu', product);
    const wasm = await on('wasm', product);
    expect(relError(wasm, cpu)).toBeLessThan(1e-5);
    expect(wasm).toEqual(await on('wasm', explicit));
  });

  it('gives the same bits swapped ((bᵀ·aᵀ)ᵀ, for a b it has not seen) as direct (the b again, now packed by the backend)', async () => {
    for (const [m, k, n] of [[8, 64, 512], [128, 96, 300], [3, 200, 1000]] as const) {
      const av = seededValues(m * k, 3);
      const bv = seededValues(k * n, 4);
      await tf.setBackend('wasm');
      const [a, b] = [tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [k, n])];
      const [swapped, direct] = [tf.matMul(a, b), tf.matMul(a, b)];
      expect(new Uint32Array((await swapped.data()).buffer), `${m}×${k}×${n}`).toEqual(new Uint32Array((await direct.data()).buffer));
      tf.dispose([a, b, swapped, direct]);
    }
  });

  it('is gclip’s kernel, registered once however often registration runs', () => {
    for (const name of ['BatchMatMul', 'MaxPoolGrad', 'Identity', 'Conv2DBackpropFilter']) expect(isGclipKernel(tf.getKernel(name, 'wasm'))).toBe(true);
    const first = tf.getKernel('BatchMatMul', 'wasm');
    expect(registerWasmKernels()).toEqual([]);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(first);
  });

  it('is not fooled by memory seen before under another shape (wasm caches XNNPACK operators by data id)', async () => {
    const product = () => {
      const t = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      tf.matMul(tf.ones([1, 3]), t).dataSync(); // t's memory as a [3, 2] b: wasm caches an operator for it
      return tf.matMul(tf.ones([2, 4]), tf.reshape(t, [2, 3]), true, false); // the same memory as [2, 3]
    };
    expect(await on('wasm', product)).toEqual(await on('cpu', product));
  });
});

describe('wasm MaxPoolGrad', () => {
  const CASES = [
    { name: '2×2 stride 2 valid (the bench CNN)', x: [4, 8, 8, 3], f: 2, s: 2, pad: 'valid' as const },
    { name: '3×3 stride 2 same (padding)', x: [2, 7, 9, 2], f: 3, s: 2, pad: 'same' as const },
    { name: '3×3 stride 1 same (overlapping windows)', x: [2, 6, 6, 2], f: 3, s: 1, pad: 'same' as const },
    { name: '2×3 strides [1, 2] valid', x: [1, 7, 8, 4], f: [2, 3] as [number, number], s: [1, 2] as [number, number], pad: 'valid' as const },
  ];

  it.each(CASES)('matches cpu on ties, NaN and −∞: $name', async (c) => {
    // Few distinct values, so most windows hold ties; NaN and −∞ windows pass no gradient.
    const xv = seededValues(size(c.x), 3, [0, 1, 2, -1, Number.NaN, Number.NEGATIVE_INFINITY]);
    const grad = () => {
      const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
      const y = tf.maxPool(x, c.f, c.s, c.pad);
      const dy = tf.tensor(seededValues(y.size, 4), y.shape);
      return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: c.f, strides: c.s, pad: c.pad }) as tf.Tensor;
    };
    const cpu = await on('cpu', grad);
    const wasm = await on('wasm', grad);
    expect(relError(wasm, cpu)).toBeLessThan(1e-6);
    expect(wasm.filter((v) => v !== 0).length).toBe(cpu.filter((v) => v !== 0).length);
  });

  it('gives the gradient of maxPool through tf.grad', async () => {
    const xv = seededValues(2 * 6 * 6 * 3, 5);
    const g = () => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'))))(tf.tensor4d(xv, [2, 6, 6, 3]));
    expect(await on('wasm', g)).toEqual(await on('cpu', g));
  });
});
