/**
 * Global-norm clipping in one kernel dispatch on backends that keep tensors in host memory
 * (wasm's heap, cpu's typed arrays): the clip coefficient from the total norm and the
 * product `g · coef` for every gradient, instead of 4 scalar ops plus one `mul` per
 * gradient (issue #9: on small models the cost is op dispatch, not arithmetic).
 *
 * The kernel replays the op path of `clip/global-norm.ts` operation by operation in float32
 * (each op's result rounded with `Math.fround`, `minimum` with the backend's own NaN/±0
 * rule), so its outputs are bit-identical to the ops on the same backend. Callers get
 * `null` where the kernel cannot run (tfjs-node, webgl, non-float32 inputs, a non-scalar
 * norm or coefficient) and then use the ops.
 */
import { tf, type Scalar, type Tensor } from '../tf.js';
import { ensureHostKernel, hostKernel, type HostBackendName } from './host-io.js';
import { hostLoops, type HostLoops } from './wasm-host.js';

/** The kernel's registry name. */
export const GLOBAL_CLIP_KERNEL = 'GclipGlobalClip';

/**
 * How the kernel gets the coefficient from its first input `x`: the three rules of
 * `clip/global-norm.ts` (`x` is the total norm N) or `given` (`x` is the coefficient itself:
 * `scaleGrads`).
 */
export type FusedClipRule = 'torch' | 'exact' | 'tf' | 'given';

/** Kernel attributes. `maxNorm` and `eps` are the numbers the op path would turn into float32 scalars. */
export interface FusedClipAttrs {
  readonly rule: FusedClipRule;
  readonly maxNorm: number;
  /** torch's epsilon added to N (`TORCH_NORM_EPS`); unused by the other rules. */
  readonly eps: number;
}

const f32 = Math.fround;

/** `tf.minimum(a, b)` on one float32 pair, as each backend computes it. */
type Minimum = (a: number, b: number) => number;

/** wasm's `std::min(a, b)`: `b < a ? b : a` (NaN in `a` wins, NaN in `b` loses; ±0 keeps `a`). */
const wasmMinimum: Minimum = (a, b) => (b < a ? b : a);

/** The cpu backend's `Math.min` (NaN in either operand wins; min(+0, −0) = −0). */
export const MINIMUM: Readonly<Record<HostBackendName, Minimum>> = { wasm: wasmMinimum, cpu: Math.min };

/**
 * The applied coefficient of `rule` for the first input `x`, bit-identical to the op path of
 * `clip/global-norm.ts` on a backend whose `minimum` is `min`:
 * - torch: `min(fl(fl(1 / fl(N + fl(eps))) · fl(max)), 1)` (`torchClipCoef(...).clamped`)
 * - exact: `N < fl(max) ? 1 : fl(fl(max) / N)` (`exactClipCoef`)
 * - tf: `fl(fl(fl(max) · min(fl(1/N), fl(1/max))) + fl(N − N))` (`tfClipCoef`; `1/max` is
 *   rounded from float64 as `tf.scalar(1 / maxNorm)` does)
 * - given: `x`.
 */
export function fusedClipCoef(x: number, a: FusedClipAttrs, min: Minimum = Math.min): number {
  const max = f32(a.maxNorm);
  switch (a.rule) {
    case 'torch':
      return min(f32(f32(1 / f32(x + f32(a.eps))) * max), 1);
    case 'exact':
      return x < max ? 1 : f32(max / x);
    case 'tf':
      return f32(f32(max * min(f32(1 / x), f32(1 / a.maxNorm))) + f32(x - x));
    case 'given':
      return x;
  }
}

/**
 * `dst[i] = fl(src[i] · c)`: `tf.mul(g, c)` (the float64 product of two float32 is exact, so
 * one rounding). Unrolled by four (about 1.5× faster in V8 on MLP-sized tensors), or wasm
 * SIMD where `loops` runs on the arrays' memory; a copy when c = 1.
 */
export function scaleInto(src: ArrayLike<number>, c: number, dst: Float32Array, loops?: HostLoops | null): void {
  if (c === 1 && src instanceof Float32Array) return dst.set(src);
  if (loops?.scale(src, c, dst)) return;
  const n = dst.length;
  const end = n - (n % 4);
  let i = 0;
  for (; i < end; i += 4) {
    const x0 = src[i]!, x1 = src[i + 1]!, x2 = src[i + 2]!, x3 = src[i + 3]!;
    dst[i] = x0 * c;
    dst[i + 1] = x1 * c;
    dst[i + 2] = x2 * c;
    dst[i + 3] = x3 * c;
  }
  for (; i < n; i++) dst[i] = src[i]! * c;
}

const kernelConfig = hostKernel<FusedClipAttrs>(GLOBAL_CLIP_KERNEL, ([first, ...grads], a, io, backendName) => {
  const c = fusedClipCoef(io.read(first!)[0]!, a, MINIMUM[backendName]);
  // Allocate every output before taking any view: on wasm an allocation can grow the
  // heap and detach the views taken before it.
  const outs = grads.map((g) => io.alloc([...g.shape]));
  const loops = hostLoops(io.memory);
  grads.forEach((g, j) => scaleInto(io.read(g), c, io.view(outs[j]!), loops));
  return a.rule === 'given' ? outs : [...outs, io.write([...first!.shape], [c])];
});

function runnable(tensors: readonly Tensor[], x: Tensor): boolean {
  return x.rank === 0 && tensors.every((t) => t.dtype === 'float32') && x.dtype === 'float32' && ensureHostKernel(GLOBAL_CLIP_KERNEL, kernelConfig);
}

function inputsOf(x: Tensor, grads: readonly Tensor[]): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = { t0: x };
  grads.forEach((g, j) => (inputs[`t${j + 1}`] = g));
  return inputs;
}

/**
 * Clips `grads` by the scalar total norm `totalNorm` under `rule` (not `given`) in one
 * kernel: the same tensors `scaleGrads(grads, globalClipCoef(totalNorm, maxNorm, rule))`
 * gives, bit for bit on the same backend.
 * @returns new tensors owned by the caller (inputs untouched), or `null` when the active
 * backend or the inputs need the op path.
 */
export function fusedGlobalClip(
  grads: readonly Tensor[],
  totalNorm: Scalar,
  attrs: FusedClipAttrs,
): { grads: Tensor[]; coef: Scalar } | null {
  if (attrs.rule === 'given' || !runnable(grads, totalNorm)) return null;
  const outs = tf.engine().runKernel(GLOBAL_CLIP_KERNEL, inputsOf(totalNorm, grads), attrs as unknown as tf.NamedAttrMap) as Tensor[];
  return { grads: outs.slice(0, grads.length), coef: outs[grads.length] as Scalar };
}

/**
 * `grads.map((g) => tf.mul(g, coef))` for a scalar `coef`, in one kernel; bit for bit the same.
 * @returns new tensors owned by the caller, or `null` when the op path is needed.
 */
export function fusedScale(grads: readonly Tensor[], coef: Scalar): Tensor[] | null {
  if (grads.length === 0 || !runnable(grads, coef)) return null;
  const attrs: FusedClipAttrs = { rule: 'given', maxNorm: 0, eps: 0 };
  return tf.engine().runKernel(GLOBAL_CLIP_KERNEL, inputsOf(coef, grads), attrs as unknown as tf.NamedAttrMap) as Tensor[];
}
