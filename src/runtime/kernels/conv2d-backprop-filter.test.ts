import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { tf } from '../tf.js';
import type { Conv2DBackpropFilterAttrs } from './conv2d-backprop-filter.js';
import { relError, seededValues } from '../../../test/helpers/numeric.js';

type Case = {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Conv2DBackpropFilterAttrs['pad'];
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

const CASES: Case[] = [
  { name: '3x3 valid stride 1', x: [2, 5, 5, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'valid' },
  { name: '3x3 same stride 1, 3 in / 4 out', x: [2, 6, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 same stride 2', x: [3, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { name: '3x3 valid stride 2, odd size', x: [1, 9, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' },
  { name: '2x3 same strides [1, 2]', x: [2, 7, 6, 3], filter: [2, 3, 3, 2], strides: [1, 2], pad: 'same' },
  { name: '3x3 same dilation 2', x: [2, 9, 9, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  { name: '3x2 valid dilations [2, 3]', x: [2, 10, 8, 1], filter: [3, 2, 1, 2], strides: 1, pad: 'valid', dilations: [2, 3] },
  { name: '3x3 same stride 2 and dilation 2', x: [2, 11, 11, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'same', dilations: 2 },
  { name: '1x1 on 16x16', x: [4, 16, 16, 3], filter: [1, 1, 3, 5], strides: 1, pad: 'valid' },
  { name: '5x5 same, filter larger than input', x: [1, 4, 4, 1], filter: [5, 5, 1, 2], strides: 1, pad: 'same' },
  { name: 'explicit padding', x: [2, 6, 5, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: 'numeric pad 1 with floor rounding, stride 2', x: [2, 8, 7, 2], filter: [3, 3, 2, 2], strides: 2, pad: 1, dimRoundingMode: 'floor' },
  { name: 'NCHW', x: [2, 3, 6, 6], filter: [3, 3, 3, 2], strides: 1, pad: 'same', dataFormat: 'NCHW' },
  { name: 'NCHW with explicit padding', x: [1, 2, 5, 4], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [0, 0], [2, 1], [0, 2]], dataFormat: 'NCHW' },
  { name: 'the CNN config: 8 filters 3x3 on 16x16, batch 64', x: [64, 16, 16, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'same' },
];

const pair = (v: number | [number, number] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);

/** dy's shape: the conv output, from tfjs's own shape arithmetic (dilated filter extent). */
function dyShape(c: Case): number[] {
  const nchw = c.dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, pair(c.strides), pair(c.dilations), c.pad, c.dimRoundingMode, false, nchw ? 'channelsFirst' : 'channelsLast');
  return nchw ? [info.batchSize, info.outChannels, info.outHeight, info.outWidth] : [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

/**
 * Reference on the cpu backend. tfjs's Conv2DBackpropFilter has no dilation, so a dilated
 * filter is expressed as the undilated filter of extent (k−1)·d+1 with zeros between taps:
 * the gradient of tap (i, j) is the gradient of tap (i·d, j·d) of that filter.
 */
async function cpuReference(c: Case, x: Float32Array, dy: Float32Array): Promise<Float32Array> {
  await tf.setBackend('cpu');
  const [dh, dw] = pair(c.dilations);
  const [kh, kw, ci, co] = c.filter;
  const ext: [number, number, number, number] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, ci, co];
  const xs = tf.tensor4d(x, c.x);
  const dys = tf.tensor4d(dy, dyShape(c) as [number, number, number, number]);
  const full = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dys }, {
    strides: c.strides, pad: c.pad, dataFormat: c.dataFormat ?? 'NHWC', ...(c.dimRoundingMode ? { dimRoundingMode: c.dimRoundingMode } : {}), filterShape: ext,
  }) as tf.Tensor;
  const data = await full.data();
  tf.dispose([xs, dys, full]);
  const out = new Float32Array(kh * kw * ci * co);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let k = 0; k < ci * co; k++) {
    out[(i * kw + j) * ci * co + k] = data[(i * dh * ext[1] + j * dw) * ci * co + k]!;
  }
  return out;
}

async function onWasm(c: Case, x: Float32Array, dy: Float32Array): Promise<Float32Array> {
  await tf.setBackend('wasm');
  const xs = tf.tensor4d(x, c.x);
  const dys = tf.tensor4d(dy, dyShape(c) as [number, number, number, number]);
  const before = tf.memory().numTensors;
  const out = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dys }, {
    strides: c.strides, pad: c.pad, dataFormat: c.dataFormat ?? 'NHWC', ...(c.dimRoundingMode ? { dimRoundingMode: c.dimRoundingMode } : {}), filterShape: c.filter, dilations: c.dilations ?? 1,
  }) as tf.Tensor;
  expect(out.shape).toEqual(c.filter);
  expect(tf.memory().numTensors).toBe(before + 1);
  const data = (await out.data()) as Float32Array;
  tf.dispose([xs, dys, out]);
  return data;
}

useWasmBackend();

describe('wasm Conv2DBackpropFilter', () => {
  it.each(CASES)('matches the cpu backend within 1e-4 relative: $name', async (c) => {
    const x = seededValues(c.x.reduce((a, b) => a * b, 1), 1);
    const dy = seededValues(dyShape(c).reduce((a, b) => a * b, 1), 2);
    const expected = await cpuReference(c, x, dy);
    const actual = await onWasm(c, x, dy);
    expect(relError(actual, expected)).toBeLessThan(1e-4);
  });

  it('makes tf.grad of conv2d work on wasm and agree with cpu (and leaks no wasm memory)', async () => {
    const x = seededValues(2 * 8 * 8 * 2, 3);
    const w = seededValues(3 * 3 * 2 * 4, 4);
    const grads = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const xs = tf.tensor4d(x, [2, 8, 8, 2]);
      const ws = tf.tensor4d(w, [3, 3, 2, 4]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))));
      const [gx, gw] = g([xs, ws]);
      const out = [(await gx!.data()) as Float32Array, (await gw!.data()) as Float32Array];
      tf.dispose([xs, ws, gx!, gw!]);
      return out;
    };
    const cpu = await grads('cpu');
    const bytesBefore = (await tf.setBackend('wasm'), tf.memory().numBytes);
    const wasm = await grads('wasm');
    expect(tf.memory().numBytes).toBe(bytesBefore);
    expect(relError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
    expect(relError(wasm[1]!, cpu[1]!)).toBeLessThan(1e-4);
  });
});
