import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { tf } from '../tf.js';
import { packParts } from './pack.js';

describe.each(['wasm', 'cpu'] as const)('packParts on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('equals the concat of the flattened parts, in order, scalars and matrices included', () => {
    const got = tf.tidy(() => {
      const parts = [tf.scalar(1.5), tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([NaN, Infinity]), tf.tensor1d([]), tf.scalar(-2)];
      const packed = packParts(parts);
      const reference = tf.concat(parts.map((t) => t.reshape([-1])));
      return { packed: [...packed.dataSync()], shape: packed.shape, reference: [...reference.dataSync()] };
    });
    expect(got.packed).toEqual([1.5, 1, 2, 3, 4, NaN, Infinity, -2]);
    expect(got.packed).toEqual(got.reference);
    expect(got.shape).toEqual([8]);
  });

  it('leaves its inputs alive and unchanged and leaks nothing', () => {
    const a = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    const packed = packParts([a, a]);
    expect([...packed.dataSync()]).toEqual([1, 2, 1, 2]);
    packed.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect([...a.dataSync()]).toEqual([1, 2]);
    a.dispose();
  });
});
