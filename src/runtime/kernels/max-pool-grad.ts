/**
 * A faster `MaxPoolGrad` for the wasm backend: tfjs-backend-wasm 4.22's takes 1.9 ms for the
 * bench CNN's 2×2 pool over [64, 16, 16, 8] (the whole forward conv takes 0.14 ms). This
 * one scans each pooling window once on the host (a view of the wasm heap) and adds dy at
 * the window's maximum, with tfjs's rules: the first maximum in row-major window order
 * wins, padding never wins, and a window with no value above −∞ (all NaN or −∞) passes no
 * gradient.
 */
import { tf } from '../tf.js';
import { hostIo } from './host-io.js';
import type { KernelBackend } from './run-kernel.js';

type Info = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

/** dx of a max pool: zero, plus dy at each window's first maximum (NHWC). */
export function maxPoolGradInto(x: ArrayLike<number>, dy: ArrayLike<number>, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < OH; yR++) {
      const r0 = yR * sh - top;
      let rMin = r0;
      while (rMin < 0) rMin += dh;
      const rMax = Math.min(H, r0 + fh);
      for (let yC = 0; yC < OW; yC++) {
        const c0 = yC * sw - left;
        let cMin = c0;
        while (cMin < 0) cMin += dw;
        const cMax = Math.min(W, c0 + fw);
        for (let d = 0; d < C; d++, o++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = rMin; r < rMax; r += dh) {
            const row = (b * H + r) * W;
            for (let c = cMin; c < cMax; c += dw) {
              const i = (row + c) * C + d;
              const v = x[i]!;
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + dy[o]!;
        }
      }
    }
  }
}

/** The wasm `MaxPoolGrad` config, keeping `inner` (the backend's own) for non-float32 input. */
export function maxPoolGradWasmConfig(inner: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): Info => {
    const { dy, input } = args.inputs as { dy: Info; input: Info };
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return (inner.kernelFunc as unknown as (a: KernelArgs) => Info)(args);
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const io = hostIo(args.backend as KernelBackend, 'wasm');
    io.local([input, dy]);
    const dx = io.alloc(input.shape.slice());
    maxPoolGradInto(io.read(input), io.read(dy), io.view(dx), info);
    return dx;
  };
  return { ...inner, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
