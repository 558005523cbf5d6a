import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { createRng } from '../rng.js';
import { tf } from '../tf.js';
import { RULES } from './optimizer-rules.js';
import { nativeAdam } from './wasm-adam.js';

useWasmBackend();

const adam = RULES.Adam!.rule;
const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, -1e-40, 1e-44, -0, 0, 3e38, -3e38];

/** The wasm backend's memory and a view of a tensor's values on it. */
function heap(): { memory: WebAssembly.Memory; view(t: tf.Tensor): Float32Array } {
  const b = tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } }; typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
  return { memory: b.wasm.asm.memory, view: (t) => b.typedArrayFromHeap(t) };
}

/** Inputs of `n` elements: normal values at several scales, with special values mixed in. */
function inputs(n: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  const value = (i: number, scale: number) => (i % 7 === 3 ? SPECIAL[i % SPECIAL.length]! : rng.normal() * scale);
  return [1, 1e-3, 1e-20, 1e-6].map((scale, q) => Float32Array.from({ length: n }, (_, i) => (q === 3 ? Math.abs(value(i, scale)) : value(i, scale))));
}

describe('native Adam (wasm-adam.ts)', () => {
  it('runs on the wasm backend and writes the JS rule’s weights, moments and float64 sums bit for bit', () => {
    const { memory, view } = heap();
    const native = nativeAdam(memory, adam.apply);
    expect(native).not.toBeNull();
    for (const [n, seed] of [[0, 1], [1, 2], [13, 3], [4099, 4]] as const) {
      const [w, g, m, v] = inputs(n, seed).map((x) => tf.tensor1d(x));
      const outs = Array.from({ length: 6 }, () => tf.zeros([n]));
      const [wJs, mJs, vJs, wNat, mNat, vNat] = outs.map(view);
      const [wv, gv, mv, vv] = [w, g, m, v].map((t) => view(t!));
      const c = adam.constants([0.05, 0.8, 0.99, 1e-8], [Math.fround(0.8 ** 3), Math.fround(0.99 ** 3)]);
      const [jsSums, nativeSums] = [Float64Array.of(0.5, 2), Float64Array.of(0.5, 2)];
      adam.apply(wv!, gv!, [mv!, vv!], c, wJs!, [mJs!, vJs!], jsSums);
      native!(wv!, gv!, [mv!, vv!], c, wNat!, [mNat!, vNat!], nativeSums);
      for (const [a, b] of [[wNat, wJs], [mNat, mJs], [vNat, vJs]]) expect(new Uint32Array(a!.slice().buffer)).toEqual(new Uint32Array(b!.slice().buffer));
      expect(nativeSums).toEqual(jsSums);
      if (n > 1) expect(jsSums[1]).not.toBe(2);
      tf.dispose([w!, g!, m!, v!, ...outs]);
    }
  });

  it('leaves arrays that are not views of its memory to the JS rule', () => {
    const { memory } = heap();
    let calls = 0;
    const native = nativeAdam(new WebAssembly.Memory({ initial: 1 }), () => calls++);
    expect(native).not.toBeNull();
    expect(nativeAdam(memory, adam.apply)).not.toBe(native);
    const a = () => new Float32Array(3);
    native!(a(), a(), [a(), a()], new Float64Array(8), a(), [a(), a()], new Float64Array(2));
    expect(calls).toBe(1);
  });
});
