/**
 * `Conv2DBackpropFilter` for the wasm backend, which tfjs-backend-wasm 4.22 does not ship
 * (training any conv net there throws `Kernel 'Conv2DBackpropFilter' not registered for
 * backend 'wasm'`). Built from kernels wasm has: PadV2, StridedSlice, Concat, Reshape,
 * Transpose and BatchMatMul (XNNPACK), as an im2col followed by one matrix product.
 */
import { tf } from '../tf.js';
import { withKernels, type KernelBackend, type RunKernel } from './run-kernel.js';

type TensorInfo = tf.TensorInfo;
type Pair = [number, number];

/** Attributes of the kernel: tfjs's own, plus optional `dilations` (tfjs's op never passes it). */
export interface Conv2DBackpropFilterAttrs {
  readonly strides: number | Pair;
  readonly pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
  readonly filterShape: [number, number, number, number];
  /** Filter dilation; 1 by default. tfjs's Conv2D gradient rejects dilations > 1 before it gets here. */
  readonly dilations?: number | Pair;
}

const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v);

/**
 * The filter gradient of a 2-D convolution:
 *   dW[i, j, c, o] = Σ_{b, p, q} x[b, p·sh + i·dh − padTop, q·sw + j·dw − padLeft, c] · dy[b, p, q, o]
 * with zero outside the input. Computed as im2col then one product: for each filter tap
 * (i, j), a strided slice of the zero-padded input gives [B, OH, OW, C]; the KH·KW slices
 * are concatenated on the channel axis into P of shape [B·OH·OW, KH·KW·C], and
 * dW = Pᵀ · reshape(dy, [B·OH·OW, O]), reshaped to `filterShape` [KH, KW, C, O].
 *
 * Supports strides, dilations, 'same'/'valid'/explicit padding, `dimRoundingMode`, and
 * NHWC or NCHW (NCHW is transposed to NHWC first). Memory: the patch matrix holds
 * B·OH·OW·KH·KW·C floats. Every intermediate is disposed before returning (also on a throw).
 */
export function conv2dBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): TensorInfo {
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  return withKernels(args.backend as KernelBackend, 'wasm', (run) => {
    const nchw = attrs.dataFormat === 'NCHW';
    const x = nchw ? run('Transpose', { x: args.inputs.x! }, { perm: [0, 2, 3, 1] }) : args.inputs.x!;
    const dy = nchw ? run('Transpose', { x: args.inputs.dy! }, { perm: [0, 2, 3, 1] }) : args.inputs.dy!;
    const [kh, kw, cin, cout] = attrs.filterShape;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, pair(attrs.strides), pair(attrs.dilations ?? 1), attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const taps = filterTaps(run, x, info);
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const patches = taps.length === 1 ? taps[0]! : run('Concat', taps, { axis: 3 });
    const p3 = run('Reshape', { x: patches }, { shape: [1, rows, kh * kw * cin] });
    const dy3 = run('Reshape', { x: dy }, { shape: [1, rows, cout] });
    const prod = run('BatchMatMul', { a: p3, b: dy3 }, { transposeA: true, transposeB: false });
    return run('Reshape', { x: prod }, { shape: [kh, kw, cin, cout] });
  });
}

/**
 * The im2col taps of a convolution: for each filter position (i, j), in row-major order,
 * the [B, OH, OW, C] strided slice of the zero-padded NHWC input `x` that tap multiplies.
 * Shared with the depthwise filter gradient.
 */
export function filterTaps(run: RunKernel, x: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo[] {
  const { top, bottom, left, right } = info.padInfo;
  const cin = x.shape[3]!;
  const padded = top + bottom + left + right === 0 ? x : run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 });
  const taps: TensorInfo[] = [];
  for (let i = 0; i < info.filterHeight; i++) {
    for (let j = 0; j < info.filterWidth; j++) {
      const r0 = i * info.dilationHeight;
      const c0 = j * info.dilationWidth;
      taps.push(
        run('StridedSlice', { x: padded }, {
          begin: [0, r0, c0, 0],
          end: [info.batchSize, r0 + (info.outHeight - 1) * info.strideHeight + 1, c0 + (info.outWidth - 1) * info.strideWidth + 1, cin],
          strides: [1, info.strideHeight, info.strideWidth, 1],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
        }),
      );
    }
  }
  return taps;
}

/** The kernel config registered by {@link registerWasmKernels}. */
export const conv2dBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
