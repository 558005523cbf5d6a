/**
 * Every norm a training step logs, in one kernel dispatch on backends that keep tensors in
 * host memory (wasm's heap, cpu's typed arrays), instead of ~3 tfjs ops per gradient.
 *
 * On small models the telemetry's cost is op dispatch, not arithmetic (tens of µs per op,
 * issue #9): `measureNorms` + `layerNorms` + a weights checksum cost 3k + 12 dispatches for
 * k gradients; `GclipStepNorms` costs one, reading each element once in a JS loop. Other
 * backends (tfjs-node keeps data in libtensorflow) get null here, and `stepNorms`
 * (`clip/step-norms.ts`) takes the same numbers from the op kernels of `clip/norms.ts`.
 */
import { tf, type Scalar, type Tensor } from '../tf.js';
import { ensureHostKernel, hostKernel } from './host-io.js';

/** The kernel's registry name. */
export const STEP_NORMS_KERNEL = 'GclipStepNorms';

/** What `stepNorms` returns; all tensors are new and owned by the caller. */
export interface StepNorms {
  /** `n_j = ‖g_j‖_p` per gradient, shape [k]. */
  readonly tensorNorms: tf.Tensor1D;
  /** `N = ‖(n_1 … n_k)‖_p`, the total norm. */
  readonly totalNorm: Scalar;
  /** `[N, L_1 … L_G]`: the total then each group's norm `‖(n_j, j ∈ group)‖_p`, shape [1 + G]. */
  readonly summary: tf.Tensor1D;
  /** Σ of every entry of `weights` (float64, then float32): finite iff every weight is; shape [1]. 0 without weights. */
  readonly weightsSum: tf.Tensor1D;
}

/** The kernel's attributes: the norm order p (≥ 1, Infinity for max), the groups, the gradient count. */
export interface StepNormsAttrs {
  readonly p: number;
  readonly groups: readonly (readonly number[])[];
  readonly grads: number;
}

const f32 = Math.fround;

/**
 * The additive part of the p-norm of `x` (Σx², Σ|x|, Σ|x|^p) or max|x| for p = ∞, with
 * float32 semantics at the edges: the sum is accumulated in float64 and rounded to float32
 * once (more accurate than a float32 sum). It overflows to inf exactly when the true sum
 * exceeds float32, which covers the float32 overflow of single squares (|x| ≳ 1.8e19 at
 * p=2, as in tfjs and torch): a sum is at least each of its terms.
 * NaN anywhere gives NaN.
 */
function reducePart(x: ArrayLike<number>, p: number): number {
  let acc = 0;
  const n = x.length;
  if (p === 2) return f32(sumSquares(x));
  else if (p === 1) for (let i = 0; i < n; i++) acc += Math.abs(x[i]!);
  else if (p === Infinity) {
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]!);
      if (!(a <= acc)) acc = a; // also takes NaN, which then sticks (NaN <= y is false)
      if (acc !== acc) break;
    }
  } else for (let i = 0; i < n; i++) acc += Math.abs(x[i]!) ** p;
  return f32(acc);
}

/**
 * Σx² in float64 with four independent accumulators: one add chain would be bound by the
 * add's latency; four let the CPU overlap them (about 3× faster on 1e4 entries).
 */
export function sumSquares(x: ArrayLike<number>): number {
  let a = 0, b = 0, c = 0, d = 0;
  const n = x.length;
  const end = n - (n % 4);
  for (let i = 0; i < end; i += 4) {
    a += x[i]! * x[i]!;
    b += x[i + 1]! * x[i + 1]!;
    c += x[i + 2]! * x[i + 2]!;
    d += x[i + 3]! * x[i + 3]!;
  }
  for (let i = end; i < n; i++) a += x[i]! * x[i]!;
  return a + b + c + d;
}

/** Σx in float64, four accumulators (see `sumSquares`). */
function sum(x: ArrayLike<number>): number {
  let a = 0, b = 0, c = 0, d = 0;
  const n = x.length;
  const end = n - (n % 4);
  for (let i = 0; i < end; i += 4) {
    a += x[i]!;
    b += x[i + 1]!;
    c += x[i + 2]!;
    d += x[i + 3]!;
  }
  for (let i = end; i < n; i++) a += x[i]!;
  return a + b + c + d;
}

/** `reducePart`'s result → the norm, rounded to float32. */
function finish(part: number, p: number): number {
  if (p === 2) return f32(Math.sqrt(part));
  if (p === 1 || p === Infinity) return part;
  return f32(part ** (1 / p));
}

/** The p-norm of a list of norms (a total or a group), as `measureNorms` defines it. */
function normOfNorms(norms: readonly number[], p: number): number {
  return finish(reducePart(norms, p), p);
}

/** Host arithmetic of the kernel: from element arrays to the four outputs' values. */
export function stepNormsHost(grads: readonly ArrayLike<number>[], weights: readonly ArrayLike<number>[], attrs: StepNormsAttrs) {
  const p = attrs.p;
  const tensorNorms = grads.map((g) => finish(reducePart(g, p), p));
  const total = normOfNorms(tensorNorms, p);
  const groupNorms = attrs.groups.map((g) => normOfNorms(g.map((j) => tensorNorms[j]!), p));
  const weightsSum = weights.reduce((acc, w) => acc + sum(w), 0);
  return { tensorNorms, total, summary: [total, ...groupNorms], weightsSum: f32(weightsSum) };
}

const kernelConfig = hostKernel<StepNormsAttrs>(STEP_NORMS_KERNEL, (inputs, a, io) => {
  const all = inputs.map((t) => io.read(t));
  const r = stepNormsHost(all.slice(0, a.grads), all.slice(a.grads), a);
  return [
    io.write([r.tensorNorms.length], r.tensorNorms),
    io.write([], [r.total]),
    io.write([r.summary.length], r.summary),
    io.write([1], [r.weightsSum]),
  ];
});

/**
 * The norms of order `p` (≥ 1, Infinity for max) a step logs, from one `GclipStepNorms`
 * kernel (formula and rounding: `stepNorms` in `clip/step-norms.ts`).
 * @returns new tensors owned by the caller, or null where the kernel cannot run (another
 * backend than wasm/cpu, no gradients, a non-float32 input, p < 1 or NaN).
 */
export function hostStepNorms(grads: readonly Tensor[], weights: readonly Tensor[], groups: StepNormsAttrs['groups'], p: number): StepNorms | null {
  if (!(p >= 1) || !ensureHostKernel(STEP_NORMS_KERNEL, kernelConfig) || grads.length === 0 || [...grads, ...weights].some((t) => t.dtype !== 'float32')) return null;
  const inputs: tf.NamedTensorMap = {};
  [...grads, ...weights].forEach((t, i) => (inputs[`t${i}`] = t));
  const attrs = { p, groups: groups.map((g) => [...g]), grads: grads.length };
  const [tensorNorms, totalNorm, summary, weightsSum] = tf.engine().runKernel(STEP_NORMS_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as Tensor[];
  return { tensorNorms: tensorNorms as tf.Tensor1D, totalNorm: totalNorm as Scalar, summary: summary as tf.Tensor1D, weightsSum: weightsSum as tf.Tensor1D };
}
