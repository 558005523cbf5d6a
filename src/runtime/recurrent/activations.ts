/**
 * The activations of tfjs-layers' recurrent cells as host loops over runs of values, each
 * writing the activation and the local derivative that tfjs's gradient multiplies the
 * incoming gradient by, rounded as tfjs's cpu kernels round (every op's result to float32).
 * One tight loop per activation (no per-value calls through a table: V8 stops inlining
 * them in a cell's loop body, which made the LSTM's forward loop 3× slower).
 */
import type { HostBackendName } from '../kernels/host-io.js';
import { sigmoidFast, tanhFast } from './fast-math.js';

const f = Math.fround;
const F02 = f(0.2);

/**
 * Writes y = act(src[i]) to `dst` and dy/dz to `deriv`, for `n` values from the offsets
 * given (`src` may be `dst`: each value is read before it is written).
 */
export type ApplyActivation = (src: ArrayLike<number>, srcAt: number, dst: Float32Array, dstAt: number, deriv: Float32Array, derivAt: number, n: number) => void;

/**
 * How the gradient passes an activation, given the value `apply` wrote as its derivative d:
 * - `PRODUCT`: dy · d (relu's 0 · NaN is NaN, as in tfjs);
 * - `MASKED`: 0 where d is 0, else dy · d: tfjs selects rather than multiplies there
 *   (hardSigmoid's clip: `where(inside, dy, 0)`), so a non-finite dy still gives 0;
 * - `ELU`: d holds y; dy where y ≥ 0, else dy · (y + 1) rounded once (tfjs's EluGrad).
 */
export const PRODUCT = 0;
export const MASKED = 1;
export const ELU = 2;
export type GradKind = typeof PRODUCT | typeof MASKED | typeof ELU;

/** One activation: its loop, and how its derivative enters the gradient. */
export interface HostActivation {
  readonly apply: ApplyActivation;
  readonly grad: GradKind;
}

/** d = 1 − y² (tfjs: `mul(sub(1, square(y)), dy)`). */
const tanhWith = (tanh: (z: number) => number): ApplyActivation => (src, s, dst, o, deriv, d, n) => {
  for (let i = 0; i < n; i++) {
    const y = f(tanh(src[s + i]!));
    dst[o + i] = y;
    deriv[d + i] = f(1 - f(y * y));
  }
};

/** d = y·(1 − y) (tfjs: `mul(dy, mul(y, sub(1, y)))`). */
const sigmoidWith = (sigmoid: (z: number) => number): ApplyActivation => (src, s, dst, o, deriv, d, n) => {
  for (let i = 0; i < n; i++) {
    const y = f(sigmoid(src[s + i]!));
    dst[o + i] = y;
    deriv[d + i] = f(y * f(1 - y));
  }
};

/** t = 0.5 + 0.2·z, y = clip(t, 0, 1); d = 0.2 where 0 ≤ t ≤ 1, else 0 (NaN t: NaN, 0). */
const hardSigmoid: ApplyActivation = (src, s, dst, o, deriv, d, n) => {
  for (let i = 0; i < n; i++) {
    const t = f(0.5 + f(F02 * src[s + i]!));
    dst[o + i] = t > 1 ? 1 : t < 0 ? 0 : t;
    deriv[d + i] = t >= 0 && t <= 1 ? F02 : 0;
  }
};

/** y = max(0, z); d = step(z): 1 above 0, else 0, NaN for NaN. */
const relu: ApplyActivation = (src, s, dst, o, deriv, d, n) => {
  for (let i = 0; i < n; i++) {
    const z = src[s + i]!;
    dst[o + i] = Math.max(0, z);
    deriv[d + i] = z > 0 ? 1 : z === z ? 0 : z;
  }
};

/** α = 1: y = z for z ≥ 0, else e^z − 1; d = y (see `ELU`). */
const elu: ApplyActivation = (src, s, dst, o, deriv, d, n) => {
  for (let i = 0; i < n; i++) {
    const z = src[s + i]!;
    const y = z >= 0 ? z : f(Math.exp(z) - 1);
    dst[o + i] = y;
    deriv[d + i] = y;
  }
};

const linear: ApplyActivation = (src, s, dst, o, deriv, d, n) => {
  for (let i = 0; i < n; i++) {
    dst[o + i] = src[s + i]!;
    deriv[d + i] = 1;
  }
};

/**
 * By tfjs-layers class name (`getClassName()` of a layer's activation). tanh and sigmoid
 * use `Math` as tfjs's cpu kernels do; hardSigmoid is tfjs-layers' default recurrent
 * activation.
 */
const CPU_ACTIVATIONS: Readonly<Record<string, HostActivation>> = {
  tanh: { apply: tanhWith(Math.tanh), grad: PRODUCT },
  sigmoid: { apply: sigmoidWith((z) => 1 / (1 + Math.exp(-z))), grad: PRODUCT },
  hardSigmoid: { apply: hardSigmoid, grad: MASKED },
  relu: { apply: relu, grad: PRODUCT },
  elu: { apply: elu, grad: ELU },
  linear: { apply: linear, grad: PRODUCT },
};

/**
 * On wasm, tanh and sigmoid from `fast-math.ts` (within 1 ulp of `Math`'s, equal for all
 * but ~1 in 10⁶ inputs): tfjs-backend-wasm's own kernels are not `Math`'s either (its tanh
 * is its libc's, its sigmoid XNNPACK's).
 */
const WASM_ACTIVATIONS: Readonly<Record<string, HostActivation>> = {
  ...CPU_ACTIVATIONS,
  tanh: { apply: tanhWith(tanhFast), grad: PRODUCT },
  sigmoid: { apply: sigmoidWith(sigmoidFast), grad: PRODUCT },
};

/** The activation of tfjs-layers class `name` on `backend`; `isHostActivation(name)` must hold. */
export function hostActivation(name: string, backend: HostBackendName): HostActivation {
  return (backend === 'wasm' ? WASM_ACTIVATIONS : CPU_ACTIVATIONS)[name]!;
}

/** Whether the host kernels implement the activation of tfjs-layers class `name`. */
export function isHostActivation(name: string): boolean {
  return Object.hasOwn(CPU_ACTIVATIONS, name);
}

/** The gradient `g` through an activation whose `apply` wrote `d` (see {@link GradKind}). */
export function through(g: number, d: number, kind: GradKind): number {
  if (kind === PRODUCT) return f(g * d);
  if (kind === MASKED) return d === 0 ? 0 : f(g * d);
  return d >= 0 ? g : f(g * (d + 1));
}
