/**
 * A faster `BatchMatMul` for the wasm backend. tfjs-backend-wasm 4.22 multiplies fast
 * (XNNPACK) only when neither operand is transposed; with `transposeA` or `transposeB` it
 * takes a scalar path that is 3–10× slower (measured: [64,128]·[32,128]ᵀ 153 µs against
 * 24 µs for the same product with the operand transposed beforehand). Every matmul
 * gradient is a transposed product (dA = dy·Bᵀ, dB = Aᵀ·dy), so on wasm the backward pass of
 * an LSTM spent a third of its step there. This kernel transposes the flagged operands in
 * host memory (one pass over each, on the wasm heap) and hands the plain product to the
 * backend's own kernel, so results are those of tfjs's untransposed product.
 */
import { tf } from '../tf.js';
import { hostIo } from './host-io.js';
import { hostLoops, type HostLoops } from './wasm-host.js';
import type { KernelBackend } from './run-kernel.js';

type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

/**
 * `src` viewed as [batch, rows, cols] (its last two axes), written transposed into `dst`
 * as [batch, cols, rows]: by the wasm SIMD loop where `loops` takes the matrix (4×4 tiles,
 * sides multiples of 4), else blocked so that both sides stay in cache for large matrices.
 */
export function transposeLastTwo(src: ArrayLike<number>, dst: Float32Array, batch: number, rows: number, cols: number, loops?: HostLoops | null): void {
  const B = 32;
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    if (loops && src instanceof Float32Array && loops.transpose(src.subarray(base, base + size), dst.subarray(base, base + size), rows, cols)) continue;
    for (let r0 = 0; r0 < rows; r0 += B) {
      const r1 = Math.min(rows, r0 + B);
      for (let c0 = 0; c0 < cols; c0 += B) {
        const c1 = Math.min(cols, c0 + B);
        for (let r = r0; r < r1; r++) {
          const from = base + r * cols;
          for (let c = c0; c < c1; c++) dst[base + c * rows + r] = src[from + c]!;
        }
      }
    }
  }
}

/**
 * Builds the wasm `BatchMatMul` config that wraps `inner` (the backend's own kernel): a
 * transposed float32 operand is materialised, the rest goes to `inner` unchanged.
 *
 * When only `a` is transposed, `b` is copied too: wasm's fast path caches its XNNPACK
 * operator (with `b` packed in) under `b`'s data id whatever the shape, and a Reshape keeps
 * the id, so the same memory used earlier as a [3, 2] `b` would be multiplied as that
 * [3, 2] matrix again when it comes back reshaped to [2, 3]. A fresh id per call (freed,
 * and its cache entry with it, on return) is what the slow path it replaces amounted to.
 */
export function batchMatMulWasmConfig(inner: tf.KernelConfig): tf.KernelConfig {
  const plain = inner.kernelFunc as unknown as (args: KernelArgs) => Info;
  const kernelFunc = (args: KernelArgs): Info => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const { a, b } = args.inputs as { a: Info; b: Info };
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return plain(args);
    const backend = args.backend as KernelBackend;
    const io = hostIo(backend, 'wasm');
    io.local([a, b]);
    const temps: Array<{ from: Info; to: Info; transpose: boolean }> = [];
    const fresh = (t: Info, transpose: boolean): Info => {
      const shape = t.shape.slice();
      const n = shape.length;
      if (transpose) [shape[n - 2], shape[n - 1]] = [shape[n - 1]!, shape[n - 2]!];
      const to = io.alloc(shape);
      temps.push({ from: t, to, transpose });
      return to;
    };
    try {
      // Allocate every temporary first: an allocation may grow the heap and detach views.
      const a2 = transposeA ? fresh(a, true) : a;
      const b2 = fresh(b, transposeB);
      for (const { from, to, transpose } of temps) {
        const n = from.shape.length;
        if (transpose) transposeLastTwo(io.read(from), io.view(to), from.shape.slice(0, -2).reduce((p, d) => p * d, 1), from.shape[n - 2]!, from.shape[n - 1]!, hostLoops(io.memory));
        else io.view(to).set(io.read(from));
      }
      return plain({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const { to } of temps) backend.disposeData(to.dataId);
    }
  };
  return { ...inner, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
