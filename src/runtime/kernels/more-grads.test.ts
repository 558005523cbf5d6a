import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { tf } from '../tf.js';
import { relError, seededValues } from '../../../test/helpers/numeric.js';

/** Runs `f` on cpu and on wasm; returns both results' values and checks wasm leaked no tensor. */
async function both(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const out: Record<string, Float32Array[]> = {};
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const ts = f();
    out[backend] = await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose(ts);
    expect(tf.memory().numTensors).toBe(before);
  }
  return { cpu: out.cpu!, wasm: out.wasm! };
}

useWasmBackend();

describe('wasm UnsortedSegmentSum', () => {
  it.each([
    { name: 'rank-1 ids over rows of 4', x: [6, 4], ids: [0, 2, 2, 1, 0, 2], segments: 3 },
    { name: 'an empty segment', x: [6, 2, 2], ids: [0, 3, 3, 1, 1, 0], segments: 4 },
    { name: 'scalar rows', x: [5], ids: [1, 1, 0, 1, 0], segments: 2 },
  ])('matches cpu: $name', async ({ x, ids, segments }) => {
    const xv = seededValues(x.reduce((a, b) => a * b, 1), 1);
    const { cpu, wasm } = await both(() => {
      const xs = tf.tensor(xv, x);
      const idx = tf.tensor1d(ids, 'int32');
      const out = tf.unsortedSegmentSum(xs, idx, segments);
      return [out, xs, idx];
    });
    expect(relError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-6);
  });

  it('makes the gradient of gather (Embedding) work on wasm', async () => {
    const table = seededValues(10 * 3, 2);
    const { cpu, wasm } = await both(() => {
      const t = tf.tensor2d(table, [10, 3]);
      const idx = tf.tensor1d([1, 4, 4, 9, 0], 'int32');
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.gather(v, idx))))(t);
      tf.dispose([t, idx]);
      return [g];
    });
    expect(relError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-6);
  });
});

describe('wasm depthwise conv gradients', () => {
  it.each([
    { name: '3x3 same, multiplier 2', x: [2, 7, 7, 3], f: [3, 3, 3, 2], strides: 1, pad: 'same' as const },
    { name: '3x3 valid, stride 2, multiplier 1', x: [2, 9, 8, 2], f: [3, 3, 2, 1], strides: 2, pad: 'valid' as const },
    { name: '2x3 same, strides [2, 1]', x: [1, 6, 6, 4], f: [2, 3, 4, 3], strides: [2, 1] as [number, number], pad: 'same' as const },
  ])('filter and input gradients match cpu within 1e-4: $name', async ({ x, f, strides, pad }) => {
    const xv = seededValues(x.reduce((a, b) => a * b, 1), 3);
    const fv = seededValues(f.reduce((a, b) => a * b, 1), 4);
    const { cpu, wasm } = await both(() => {
      const xs = tf.tensor4d(xv, x as [number, number, number, number]);
      const fs = tf.tensor4d(fv, f as [number, number, number, number]);
      const [gx, gf] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad))))([xs, fs]);
      tf.dispose([xs, fs]);
      return [gx!, gf!];
    });
    expect(relError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
    expect(relError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-4);
  });
});

describe('layers that need these kernels train on wasm', () => {
  it.each([
    ['embedding', () => tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] })],
    ['separable conv', () => tf.sequential({ layers: [tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [8, 8, 1] }), tf.layers.separableConv2d({ filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] })],
  ] as const)('%s: one Adam step runs and changes every weight', async (name, make) => {
    await tf.setBackend('wasm');
    const model = make();
    const x = name === 'embedding' ? tf.tensor2d([[1, 2, 3], [4, 5, 6]]) : tf.tensor4d(seededValues(2 * 64, 5), [2, 8, 8, 1]);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const opt = tf.train.adam(0.01);
    opt.minimize(() => tf.mean(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar, true)?.dispose();
    model.getWeights().forEach((w, i) => expect(w.dataSync()).not.toEqual(before[i]));
    tf.dispose([x]);
    opt.dispose();
    model.dispose();
  });
});
