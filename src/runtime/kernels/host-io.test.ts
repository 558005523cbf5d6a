import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { ensureHostKernel, hostKernel, indexedInputs } from './host-io.js';
import { tf } from '../tf.js';

type Storage = { has(dataId: object): boolean };

useWasmBackend();

describe('host kernels', () => {
  it('place inputs by index whatever the insertion order', () => {
    const t = (n: number) => ({ dataId: {}, shape: [n], dtype: 'float32' as const });
    const [a, b, c] = [t(0), t(1), t(2)];
    expect(indexedInputs({ t2: c, t0: a, t1: b })).toEqual([a, b, c]);
  });

  // tfjs moves a tensor made on another backend on first access to its data, which allocates
  // on the wasm heap and may detach the views a kernel has already taken; the body must
  // therefore see every input already moved.
  for (const [from, to] of [['cpu', 'wasm'], ['wasm', 'cpu']] as const) {
    it(`get inputs made on ${from} moved to ${to} before their body runs`, async () => {
      const seen: boolean[] = [];
      const kernel = hostKernel<object>(`GclipTestLocal_${to}`, (inputs, _attrs, io, backendName) => {
        const b = tf.backend() as unknown as { dataIdMap?: Storage; data?: Storage };
        const storage = backendName === 'wasm' ? b.dataIdMap! : b.data!;
        for (const x of inputs) seen.push(storage.has(x.dataId));
        return io.write([1], [io.read(inputs[0]!)[0]! + io.read(inputs[1]!)[1]!]);
      });
      await tf.setBackend(from);
      const x = tf.tensor1d([1, 2]);
      const y = tf.tensor1d([3, 4]);
      await tf.setBackend(to);
      expect(ensureHostKernel(`GclipTestLocal_${to}`, kernel)).toBe(true);
      const out = tf.engine().runKernel(`GclipTestLocal_${to}`, { t0: x, t1: y }, {}) as tf.Tensor;
      expect(seen).toEqual([true, true]);
      expect([...(await out.data())]).toEqual([5]);
      tf.dispose([x, y, out]);
    });
  }
});
