import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { createRng } from '../rng.js';
import { tf } from '../tf.js';
import { transposeLastTwo } from './batch-mat-mul.js';
import { scaleInto } from './global-clip.js';
import { hostIo } from './host-io.js';
import { partialSums } from './norm-clip-pack.js';
import { hostLoops } from './wasm-host.js';

useWasmBackend();

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-44, -1e-40, 3e38];

/** `n` float32 values: normals at scale 1 (finite) or with special values mixed in. */
function values(n: number, seed: number, finite: boolean): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, (_, i) => (!finite && i % 5 === 2 ? SPECIAL[i % SPECIAL.length]! : rng.normal()));
}

/** Tensors on the wasm heap, their views and the loops on its memory. */
function onHeap(arrays: Float32Array[]) {
  const ts = arrays.map((a) => tf.tensor1d(a));
  const io = hostIo(tf.backend(), 'wasm');
  return { ts, views: ts.map((t) => io.view(t)), loops: hostLoops(io.memory)! };
}

const bits = (a: Float32Array) => [...new Uint32Array(a.slice().buffer)];

describe('wasm SIMD host loops (wasm-host.ts)', () => {
  const SIZES = [0, 1, 3, 4, 7, 16, 1027];

  it.each([true, false])('sums: the eight accumulators of the JS loop, bit for bit (finite %s)', (finite) => {
    for (const n of SIZES) {
      const { ts, views, loops } = onHeap([values(n, n + 1, finite), values(n, n + 2, finite)]);
      const [js, simd] = [new Float64Array(8), new Float64Array(8)];
      partialSums(views[0]!, views[1]!, js);
      expect(loops.sums(views[0]!, views[1]!, simd)).toBe(true);
      expect([...simd], `n = ${n}`).toEqual([...js]);
      tf.dispose(ts);
    }
  });

  it('scale: fl(x · c) of the JS loop, bit for bit, zeros and non-finite values included', () => {
    for (const c of [0.25, Math.fround(1 / 3), 0, Math.fround(1e-30)]) {
      for (const n of SIZES) {
        const { ts, views, loops } = onHeap([values(n, n + 3, false), new Float32Array(n)]);
        const js = new Float32Array(n);
        scaleInto(views[0]!.slice(), c, js);
        expect(loops.scale(views[0]!, c, views[1]!)).toBe(true);
        expect(bits(views[1]!).map((b, i) => (Number.isNaN(js[i]) ? 'nan' : b)), `n = ${n}, c = ${c}`).toEqual(bits(js).map((b, i) => (Number.isNaN(js[i]) ? 'nan' : b)));
        tf.dispose(ts);
      }
    }
  });

  it('transpose: every bit moved (NaN payloads too) for sides that are multiples of 4; other sides are left to the JS loop', () => {
    for (const [rows, cols] of [[4, 4], [8, 12], [20, 8], [128, 64], [96, 48], [12, 516]] as const) {
      const src = values(rows * cols, rows + cols, false);
      src[1] = new Float32Array(new Uint32Array([0x7fc00123]).buffer)[0]!;
      const { ts, views, loops } = onHeap([src, new Float32Array(rows * cols)]);
      const js = new Float32Array(rows * cols);
      transposeLastTwo(src, js, 1, rows, cols);
      expect(loops.transpose(views[0]!, views[1]!, rows, cols)).toBe(true);
      expect(bits(views[1]!), `${rows}×${cols}`).toEqual(bits(js));
      tf.dispose(ts);
    }
    const { ts, views, loops } = onHeap([new Float32Array(6), new Float32Array(6)]);
    expect(loops.transpose(views[0]!, views[1]!, 2, 3)).toBe(false);
    tf.dispose(ts);
  });

  it('declines arrays that are not views of the backend memory', () => {
    const { loops } = onHeap([]);
    const a = new Float32Array(16);
    expect(loops.sums(a, a, new Float64Array(8))).toBe(false);
    expect(loops.scale(a, 2, new Float32Array(16))).toBe(false);
    expect(loops.transpose(a, new Float32Array(16), 4, 4)).toBe(false);
  });
});
