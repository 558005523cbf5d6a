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
 * `b` operands seen by this kernel, by data id: the backend keeps an XNNPACK operator per
 * `b` it has multiplied (its pack of b), so a b seen before is cheapest as it is.
 */
const seen = new WeakSet<object>();

/**
 * Whether a·b (a: [m, k]; b: [k, n], or [n, k] with `transposeB`) is cheaper as (b·aᵀ)ᵀ.
 * XNNPACK packs its `b` operand into its own layout when it first sees it (~6 ns per element
 * here: 3 ms for a 512×1024 matrix), while the 4×4 SIMD transpose moves ~0.5 ns per element.
 * The direct form packs b (n·k elements; with `transposeB` it also transposes b, which is
 * then always new); the swapped one transposes a, packs aᵀ (m·k) and transposes the [n, m]
 * result (and, without `transposeB`, transposes b). Counting a pack as 10 moves, it is taken
 * when it costs at most half: a dense layer's input gradient dy·Wᵀ and, for a weight matrix
 * new this step, its forward x·W then pack the batch-sized operand instead of the weights.
 * Every output element is the same sum over k in the same order either way (XNNPACK's f32
 * GEMM does not split k), so the product is the same bits (tested against the direct one).
 */
function swapped(a: Info, b: Info, transposeB: boolean): boolean {
  if (a.shape.length !== 2 || b.shape.length !== 2 || (!transposeB && seen.has(b.dataId))) return false;
  const [m, k] = a.shape as [number, number];
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  const direct = 10 * n * k + (transposeB ? n * k : 0);
  return 2 * (m * (11 * k + n) + (transposeB ? 0 : n * k)) <= direct;
}

/**
 * Builds the wasm `BatchMatMul` config that wraps `inner` (the backend's own kernel): a
 * transposed float32 operand is materialised, the rest goes to `inner` unchanged; a product
 * of two matrices goes as (b·aᵀ)ᵀ where that packs less (`swapped`).
 *
 * When only `a` is transposed, `b` is copied too: wasm's fast path caches its XNNPACK
 * operator (with `b` packed in) under `b`'s data id whatever the shape, and a Reshape keeps
 * the id, so the same memory used earlier as a [3, 2] `b` would be multiplied as that
 * [3, 2] matrix again when it comes back reshaped to [2, 3]. A fresh id per call (freed,
 * and its cache entry with it, on return) is what the slow path it replaces amounted to.
 * (Swapped, `b` is the input side, which is not cached, and aᵀ is fresh.)
 */
export function batchMatMulWasmConfig(inner: tf.KernelConfig): tf.KernelConfig {
  const plain = inner.kernelFunc as unknown as (args: KernelArgs) => Info;
  const kernelFunc = (args: KernelArgs): Info => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const { a, b } = args.inputs as { a: Info; b: Info };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return plain(args);
    const swap = !transposeA && swapped(a, b, transposeB);
    if (!transposeA && !transposeB) {
      // The next product with this b goes direct: the backend then packs it once and keeps it.
      seen.add(b.dataId);
      if (!swap) return plain(args);
    }
    const backend = args.backend as KernelBackend;
    const io = hostIo(backend, 'wasm');
    io.local([a, b]);
    const loops = hostLoops(io.memory);
    const temps: Array<{ from: Info; to: Info; transpose: boolean }> = [];
    const fresh = (t: Info, transpose: boolean): Info => {
      const shape = t.shape.slice();
      const n = shape.length;
      if (transpose) [shape[n - 2], shape[n - 1]] = [shape[n - 1]!, shape[n - 2]!];
      const to = io.alloc(shape);
      temps.push({ from: t, to, transpose });
      return to;
    };
    const attrs = { ...args.attrs, transposeA: false, transposeB: false };
    try {
      // Allocate every temporary first: an allocation may grow the heap and detach views.
      const a2 = transposeA || swap ? fresh(a, true) : a;
      // Swapped, b is the left operand: as it is with transposeB, else transposed.
      const b2 = swap ? (transposeB ? b : fresh(b, true)) : fresh(b, transposeB);
      for (const { from, to, transpose } of temps) {
        const n = from.shape.length;
        if (transpose) transposeLastTwo(io.read(from), io.view(to), from.shape.slice(0, -2).reduce((p, d) => p * d, 1), from.shape[n - 2]!, from.shape[n - 1]!, loops);
        else io.view(to).set(io.read(from));
      }
      if (!swap) return plain({ ...args, inputs: { a: a2, b: b2 }, attrs });
      const flipped = plain({ ...args, inputs: { a: b2, b: a2 }, attrs });
      const [n, m] = flipped.shape as [number, number];
      const out = io.alloc([m, n]);
      transposeLastTwo(io.read(flipped), io.view(out), 1, n, m, loops);
      backend.disposeData(flipped.dataId);
      return out;
    } finally {
      for (const { to } of temps) backend.disposeData(to.dataId);
    }
  };
  return { ...inner, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
