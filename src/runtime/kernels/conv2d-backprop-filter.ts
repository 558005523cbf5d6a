/**
 * `Conv2DBackpropFilter` for the wasm backend, which tfjs-backend-wasm 4.22 does not ship
 * (training any conv net there throws `Kernel 'Conv2DBackpropFilter' not registered for
 * backend 'wasm'`): an im2col written on the host, then one BatchMatMul (XNNPACK).
 */
import { tf } from '../tf.js';
import { hostIo } from './host-io.js';
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
 * with zero outside the input. Computed as an im2col then one product: the transposed
 * patch matrix Pᵀ of shape [KH·KW·C, B·OH·OW] (row (i·KW + j)·C + c holds the input values
 * tap (i, j) of channel c multiplies, zero in the padding) is written in one pass on the
 * host (the wasm heap), and dW = Pᵀ · reshape(dy, [B·OH·OW, O]) is one untransposed
 * BatchMatMul (XNNPACK), reshaped to `filterShape` [KH, KW, C, O]. (Building P from
 * StridedSlice and Concat kernels instead took 10 ms of the bench CNN's 14 ms step.)
 *
 * Supports strides, dilations, 'same'/'valid'/explicit padding, `dimRoundingMode`, and
 * NHWC or NCHW (NCHW is transposed to NHWC first). Memory: the patch matrix holds
 * B·OH·OW·KH·KW·C floats. Every intermediate is disposed before returning (also on a throw).
 */
export function conv2dBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): TensorInfo {
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  return withKernels(args.backend as KernelBackend, 'wasm', (run, adopt) => {
    const nchw = attrs.dataFormat === 'NCHW';
    const x = nchw ? run('Transpose', { x: args.inputs.x! }, { perm: [0, 2, 3, 1] }) : args.inputs.x!;
    const dy = nchw ? run('Transpose', { x: args.inputs.dy! }, { perm: [0, 2, 3, 1] }) : args.inputs.dy!;
    const [kh, kw, cin, cout] = attrs.filterShape;
    // Explicit padding is given per axis of the data format: [N, C, H, W] becomes [N, H, W, C].
    const pad = nchw && Array.isArray(attrs.pad) ? [attrs.pad[0], attrs.pad[2], attrs.pad[3], attrs.pad[1]] as tf.backend_util.ExplicitPadding : attrs.pad;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, pair(attrs.strides), pair(attrs.dilations ?? 1), pad, attrs.dimRoundingMode, false, 'channelsLast');
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const io = hostIo(args.backend, 'wasm');
    io.local([x]);
    const patchesT = adopt(io.alloc([1, kh * kw * cin, rows]));
    im2colTransposed(io.read(x), io.view(patchesT), info);
    const dy3 = run('Reshape', { x: dy }, { shape: [1, rows, cout] });
    const prod = run('BatchMatMul', { a: patchesT, b: dy3 }, { transposeA: false, transposeB: false });
    return run('Reshape', { x: prod }, { shape: [kh, kw, cin, cout] });
  });
}

/**
 * Writes the transposed im2col matrix of the NHWC input `x` for `info` into `out`
 * ([KH·KW·C, B·OH·OW], row-major; zero where a tap falls in the padding).
 */
export function im2colTransposed(x: ArrayLike<number>, out: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  let o = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < C; c++) {
        for (let b = 0; b < B; b++) {
          for (let p = 0; p < OH; p++) {
            const r = p * sh + i * dh - top;
            if (r < 0 || r >= H) {
              out.fill(0, o, o + OW);
              o += OW;
              continue;
            }
            const row = (b * H + r) * W;
            for (let q = 0; q < OW; q++, o++) {
              const col = q * sw + j * dw - left;
              out[o] = col >= 0 && col < W ? x[(row + col) * C + c]! : 0;
            }
          }
        }
      }
    }
  }
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
