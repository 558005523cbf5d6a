/**
 * The two gradients of a depthwise convolution for the wasm backend, which
 * tfjs-backend-wasm 4.22 lacks (DepthwiseConv2D and SeparableConv2D layers cannot train
 * there without them). Built from PadV2, StridedSlice, Concat, Transpose, BatchMatMul,
 * Multiply and Conv2DBackpropInput.
 */
import { tf } from '../tf.js';
import { filterTaps } from './conv2d-backprop-filter.js';
import { withKernels, type KernelBackend } from './run-kernel.js';

type TensorInfo = tf.TensorInfo;
type Pair = [number, number];
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

/** Attributes shared by both kernels (tfjs's `DepthwiseConv2dNativeBackprop*Attrs`). */
interface DepthwiseAttrs {
  readonly strides: number | Pair;
  readonly dilations: number | Pair;
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v);

function info(xShape: number[], filterShape: number[], a: DepthwiseAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], pair(a.strides), pair(a.dilations ?? 1), a.pad, a.dimRoundingMode, true);
}

/**
 * Filter gradient, filter [KH, KW, C, M], NHWC:
 *   dW[i, j, c, m] = Σ_{b,p,q} x[b, p·sh + i·dh − padTop, q·sw + j·dw − padLeft, c] · dy[b, p, q, c·M + m].
 * The KH·KW im2col taps are stacked to P [T, N, C] (N = B·OH·OW), and per channel
 * dW[:, c, :] = P[:, :, c] · dy[:, c, :]: one batched product over c.
 */
export function depthwiseBackpropFilterWasm(args: KernelArgs): TensorInfo {
  const a = args.attrs as unknown as DepthwiseAttrs & { filterShape: [number, number, number, number] };
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  return withKernels(args.backend as KernelBackend, 'wasm', (run) => {
    const [kh, kw, c, m] = a.filterShape;
    const conv = info(x.shape, a.filterShape, a);
    const n = conv.batchSize * conv.outHeight * conv.outWidth;
    const taps = filterTaps(run, x, conv).map((t) => run('Reshape', { x: t }, { shape: [1, n, c] }));
    const stacked = taps.length === 1 ? taps[0]! : run('Concat', taps, { axis: 0 });
    const pc = run('Transpose', { x: stacked }, { perm: [2, 0, 1] });
    const dyc = run('Transpose', { x: run('Reshape', { x: dy }, { shape: [n, c, m] }) }, { perm: [1, 0, 2] });
    const prod = run('BatchMatMul', { a: pc, b: dyc }, { transposeA: false, transposeB: false });
    return run('Reshape', { x: run('Transpose', { x: prod }, { perm: [1, 0, 2] }) }, { shape: [kh, kw, c, m] });
  });
}

/**
 * Input gradient: the depthwise filter W [KH, KW, C, M] is expanded to the block-diagonal
 * dense filter W'[i, j, c, c'·M + m] = W[i, j, c, m]·[c = c'], with which a dense conv
 * equals the depthwise one, and the wasm backend's own Conv2DBackpropInput does the rest.
 * Costs C times the depthwise FLOPs. Dilations > 1 throw (tfjs's gradient rejects them too).
 */
export function depthwiseBackpropInputWasm(args: KernelArgs): TensorInfo {
  const a = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  if (pair(a.dilations ?? 1).some((d) => d !== 1)) throw new Error('DepthwiseConv2dNativeBackpropInput on wasm: dilations > 1 are not supported');
  return withKernels(args.backend as KernelBackend, 'wasm', (run) => {
    const [kh, kw, c, m] = filter.shape as [number, number, number, number];
    // I_C as onehot(0..C−1); wasm's OneHot is only right for int32 output, hence the cast.
    const hot = run('OneHot', { indices: run('Range', {}, { start: 0, stop: c, step: 1, dtype: 'int32' }) }, { depth: c, onValue: 1, offValue: 0, dtype: 'int32' });
    const eye = run('Reshape', { x: run('Cast', { x: hot }, { dtype: 'float32' }) }, { shape: [1, 1, c, c, 1] });
    const w5 = run('Reshape', { x: filter }, { shape: [kh, kw, c, 1, m] });
    const dense = run('Reshape', { x: run('Multiply', { a: w5, b: eye }) }, { shape: [kh, kw, c, c * m] });
    return run('Conv2DBackpropInput', { dy, filter: dense }, { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: a.dimRoundingMode, inputShape: a.inputShape });
  });
}

/** Kernel configs registered by `registerWasmKernels`. */
export const depthwiseBackpropWasmConfigs: tf.KernelConfig[] = [
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: depthwiseBackpropFilterWasm as unknown as tf.KernelFunc },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: depthwiseBackpropInputWasm as unknown as tf.KernelFunc },
];
