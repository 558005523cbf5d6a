/**
 * `UnsortedSegmentSum` for the wasm backend, which tfjs-backend-wasm 4.22 lacks; tfjs
 * uses it for the gradient of `gather`, so without it an Embedding layer cannot train on
 * wasm. Built as a one-hot matrix product (OneHot + BatchMatMul, both XNNPACK-backed).
 */
import { tf } from '../tf.js';
import { withKernels, type KernelBackend } from './run-kernel.js';

/**
 * out[s, …] = Σ_{i : segmentIds[i] = s} x[i, …] for s in [0, numSegments); ids outside
 * that range contribute nothing (as TensorFlow drops them). Computed as
 * onehot(ids, numSegments)ᵀ · reshape(x, [N, D]) with N the number of ids, then reshaped
 * to [numSegments, …x.shape[ids.rank:]]. int32 x is summed in float32 and cast back.
 * Memory: an N × numSegments float32 one-hot matrix.
 */
export function unsortedSegmentSumWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = args.attrs.numSegments as number;
  return withKernels(args.backend as KernelBackend, 'wasm', (run) => {
    const n = segmentIds.shape.reduce((a, b) => a * b, 1);
    const rest = x.shape.slice(segmentIds.shape.length);
    const d = rest.reduce((a, b) => a * b, 1);
    const ids = run('Reshape', { x: segmentIds.dtype === 'int32' ? segmentIds : run('Cast', { x: segmentIds }, { dtype: 'int32' }) }, { shape: [n] });
    // wasm's OneHot writes integer bits whatever the dtype (float32 1 comes out as 1.4e-45): make int32, then cast.
    const hot = run('Cast', { x: run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' }) }, { dtype: 'float32' });
    const xf = x.dtype === 'float32' ? x : run('Cast', { x }, { dtype: 'float32' });
    const sum = run('BatchMatMul', { a: run('Reshape', { x: hot }, { shape: [1, n, numSegments] }), b: run('Reshape', { x: xf }, { shape: [1, n, d] }) }, { transposeA: true, transposeB: false });
    const out = run('Reshape', { x: sum }, { shape: [numSegments, ...rest] });
    return x.dtype === 'float32' ? out : run('Cast', { x: out }, { dtype: x.dtype });
  });
}

/** The kernel config registered by `registerWasmKernels`. */
export const unsortedSegmentSumWasmConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumWasm as unknown as tf.KernelFunc,
};
