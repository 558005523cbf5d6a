/**
 * The activations of tfjs-layers' recurrent cells as host functions, each with the local
 * derivative that tfjs's gradient multiplies the incoming gradient by, rounded as tfjs's
 * cpu kernels round (every op's result to float32).
 */

const f = Math.fround;
const F02 = f(0.2);

/** One activation: its value and the factor its gradient applies. */
export interface HostActivation {
  /** y = act(z), a float32 value. */
  readonly y: (z: number) => number;
  /** The derivative dy/dz as tfjs's gradient computes it, from the input z and the output y. */
  readonly d: (z: number, y: number) => number;
  /**
   * True when tfjs's gradient selects zero rather than multiplying (hardSigmoid's clip:
   * `where(inside, dy, 0)`), so that a non-finite incoming gradient still gives 0 where
   * the derivative is 0; otherwise the gradient is `dy · d` (relu's 0 · NaN is NaN).
   */
  readonly masked: boolean;
}

/**
 * By tfjs-layers class name (`getClassName()` of a layer's activation):
 * - `tanh`: y = tanh z, d = 1 − y² (tfjs: `mul(sub(1, square(y)), dy)`).
 * - `sigmoid`: y = 1 / (1 + e^−z), d = y·(1 − y).
 * - `hardSigmoid`: t = 0.5 + 0.2·z, y = clip(t, 0, 1); d = 0.2 where 0 ≤ t ≤ 1, else 0
 *   (masked; a NaN t passes no gradient). tfjs-layers' default recurrent activation.
 * - `relu`: y = max(0, z); d = step(z): 1 above 0, else 0, NaN for NaN.
 * - `elu` (α = 1): y = z for z ≥ 0, else e^z − 1; d = 1 where y ≥ 0, else y + 1.
 * - `linear`: y = z, d = 1.
 */
export const HOST_ACTIVATIONS: Readonly<Record<string, HostActivation>> = {
  tanh: { y: (z) => f(Math.tanh(z)), d: (_z, y) => f(1 - f(y * y)), masked: false },
  sigmoid: { y: (z) => f(1 / (1 + Math.exp(-z))), d: (_z, y) => f(y * f(1 - y)), masked: false },
  hardSigmoid: {
    y: (z) => {
      const t = f(0.5 + f(F02 * z));
      return t > 1 ? 1 : t < 0 ? 0 : t;
    },
    d: (z) => {
      const t = f(0.5 + f(F02 * z));
      return t >= 0 && t <= 1 ? F02 : 0;
    },
    masked: true,
  },
  relu: { y: (z) => Math.max(0, z), d: (z) => (Number.isNaN(z) ? Number.NaN : z > 0 ? 1 : 0), masked: false },
  elu: { y: (z) => (z >= 0 ? z : f(Math.exp(z) - 1)), d: (_z, y) => (y >= 0 ? 1 : f(y + 1)), masked: false },
  linear: { y: (z) => z, d: () => 1, masked: false },
};

/** Whether the host kernels implement the activation of tfjs-layers class `name`. */
export function isHostActivation(name: string): boolean {
  return Object.hasOwn(HOST_ACTIVATIONS, name);
}

/**
 * The gradient through an activation: `g · d`, or exactly 0 where a masked activation's
 * derivative is 0 (see {@link HostActivation.masked}).
 */
export function through(g: number, d: number, masked: boolean): number {
  return masked && d === 0 ? 0 : f(g * d);
}
