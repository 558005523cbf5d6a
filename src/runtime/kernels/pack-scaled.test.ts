import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { tf } from '../tf.js';
import { packParts } from './pack.js';

const bits = (a: ArrayLike<number>) => [...new Uint32Array(Float32Array.from(a).buffer)];

describe.each(['wasm', 'cpu'] as const)('packParts with scaled parts on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it('packs tensor × by bit for bit as tf.mul, in place, beside plain parts', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 10 ** Math.floor(seed % 9 - 4);
    const values = [...Array.from({ length: 300 }, rnd), 0, -0, Infinity, -Infinity, NaN, 1e-40, 3.4e38, 1.17549435e-38];
    for (const c of [0.123456789, 1, 0, -2.5, 1e-30, 7.3e5, Infinity, NaN]) {
      const got = tf.tidy(() => {
        const x = tf.tensor1d(values);
        const by = tf.scalar(c);
        const head = tf.scalar(4);
        const packed = packParts([head, { tensor: x, by }, tf.tensor2d([[1, 2]])]);
        const reference = tf.concat([head.reshape([1]), tf.mul(x, by), tf.tensor1d([1, 2])]);
        return { packed: packed.dataSync<'float32'>(), reference: reference.dataSync<'float32'>() };
      });
      // NaN payloads may differ; compare NaN-ness, else exact bits.
      const canon = (a: Float32Array) => bits(a).map((b, i) => (Number.isNaN(a[i]) ? 'nan' : b));
      expect(canon(got.packed)).toEqual(canon(got.reference));
    }
  });

  it('falls back to ops for a multiplier with more than one element and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2]);
    const by = tf.tensor1d([3, 4]);
    const packed = packParts([x, { tensor: x, by }]);
    expect([...packed.dataSync()]).toEqual([1, 2, 3, 8]);
    tf.dispose([x, by, packed]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
