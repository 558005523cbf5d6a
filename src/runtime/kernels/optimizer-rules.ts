/**
 * The optimizer rules gclip's fused update replays (`optimizer-update.ts`): for each tfjs
 * optimizer class, its slots, its scalar state and its update written op by op in float32,
 * in tfjs-core 4.22's order, so the fused result is tfjs's bit for bit.
 */
import { tf, type Tensor, type Variable } from '../tf.js';
import type { Apply } from './rule-apply.js';
import { nativeRule, type NativeForm } from './wasm-rules.js';

const f = Math.fround;

/** A slot array of a tfjs optimizer: `{ originalName, variable }` per variable, by position. */
export type Slots = Array<{ variable: Variable } | undefined>;


/** How one tfjs optimizer class is fused. */
export interface Rule {
  /** Its per-variable slot arrays, in the order `apply` takes them. */
  slots(o: never): Slots[];
  /** Scalar tensors it reads each step (its own state); the first `written` are updated. */
  scalars(o: never): Tensor[];
  readonly written: number;
  /** Its hyperparameters as the JS numbers tfjs reads them (each step: a caller may change them). */
  params(o: never): number[];
  /**
   * The step's float32 scalars for `apply`, from `params` and the scalar tensors' values
   * (computed inside the kernel, where those values are a memory view, not a readback).
   */
  constants(p: readonly number[], scalars: readonly number[]): Float64Array;
  /** New values of the written scalars. */
  next(p: readonly number[], scalars: readonly number[]): number[];
  readonly apply: Apply;
  /** `apply` as native code on the wasm backend's memory, where the rule has it (null: it cannot run there); SIMD unless `form` says scalar. */
  readonly native?: (memory: WebAssembly.Memory, js: Apply, form?: NativeForm) => Apply | null;
}

/**
 * Whether `f(x * (1 / d))` is `f(x / d)` for every float32 `x`: true for float32 `d` with
 * |d| < 2 (Adam's bias corrections 1 − β^t). Multiplying by the float64 reciprocal is off
 * the exact quotient by under 2⁻⁵² of it; a float32 rounding boundary (a midpoint between
 * float32 values) is never that close to a quotient of two float32 values without being it
 * (an integer multiple of the quantum of x − m·d, over d), and a quotient is exactly a
 * midpoint only for |d| ≥ 2 (its odd part would need d's exponent above 0), so both round
 * alike — subnormal results, zeros, ±∞ and NaN included. A multiply is several times
 * cheaper than a division here.
 */
export const reciprocalExact = (d: number): boolean => Math.abs(d) < 2;

interface AdamFields { learningRate: number; beta1: number; beta2: number; epsilon: number; accBeta1: Variable; accBeta2: Variable; accumulatedFirstMoment: Slots; accumulatedSecondMoment: Slots }
interface SgdFields { c: Tensor }
interface MomentumFields extends SgdFields { m: Tensor; useNesterov: boolean; accumulations: Slots }
interface RmsFields { learningRate: number; decay: number; momentum: number; epsilon: number; centered: boolean; accumulatedMeanSquares: Slots; accumulatedMoments: Slots; accumulatedMeanGrads: Slots }

/**
 * Adam: m' = m·β1 + g·(1−β1);  v' = v·β2 + g²·(1−β2);
 * w' = (m' / (1 − accβ1)) / (√(v' / (1 − accβ2)) + ε) · (−lr) + w;  accβ ← accβ·β.
 * c = [β1, 1−β1, β2, 1−β2, 1−accβ1, 1−accβ2, ε, −lr].
 */
const adam: Rule = {
  slots: (o: AdamFields) => [o.accumulatedFirstMoment, o.accumulatedSecondMoment],
  scalars: (o: AdamFields) => [o.accBeta1, o.accBeta2],
  written: 2,
  params: (o: AdamFields) => [o.beta1, o.beta2, o.epsilon, o.learningRate],
  constants: ([b1, b2, eps, lr], [acc1, acc2]) => Float64Array.of(f(b1!), f(1 - b1!), f(b2!), f(1 - b2!), f(1 - acc1!), f(1 - acc2!), f(eps!), f(-lr!)),
  next: ([b1, b2], [acc1, acc2]) => [f(acc1! * f(b1!)), f(acc2! * f(b2!))],
  native: (memory, js, form) => nativeRule(memory, js, () => 'adam', form),
  apply: (w, g, s, c, wOut, sOut, sums) => {
    const m = s[0]!, v = s[1]!, mOut = sOut[0]!, vOut = sOut[1]!;
    const b1 = c[0]!, c1 = c[1]!, b2 = c[2]!, c2 = c[3]!, d1 = c[4]!, d2 = c[5]!, eps = c[6]!, nlr = c[7]!;
    // x / d as x · (1/d): see `reciprocalExact`.
    const exact = reciprocalExact(d1) && reciprocalExact(d2);
    const r1 = 1 / d1, r2 = 1 / d2;
    let du = 0, ww = 0;
    for (let i = 0, n = wOut.length; i < n; i++) {
      const gi = g[i]!;
      const mi = f(f(m[i]! * b1) + f(gi * c1));
      const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
      mOut[i] = mi;
      vOut[i] = vi;
      const denom = f(f(Math.sqrt(f(exact ? vi * r2 : vi / d2))) + eps);
      const wi = w[i]!;
      const wo = f(f(f(f(exact ? mi * r1 : mi / d1) / denom) * nlr) + wi);
      wOut[i] = wo;
      const dw = wo - wi;
      du += dw * dw;
      ww += wi * wi;
    }
    sums[0]! += du;
    sums[1]! += ww;
  },
};

/** SGD: w' = c·g + w with c = −lr as tfjs keeps it (a float32 scalar tensor). */
const sgd: Rule = {
  slots: () => [],
  scalars: (o: SgdFields) => [o.c],
  written: 0,
  params: () => [],
  constants: (_p, [c]) => Float64Array.of(c!),
  next: () => [],
  native: (memory, js, form) => nativeRule(memory, js, () => 'sgd', form),
  apply: (w, g, _s, c, wOut, _sOut, sums) => {
    const k = c[0]!;
    let du = 0, ww = 0;
    for (let i = 0; i < wOut.length; i++) {
      const wi = w[i]!;
      const wo = f(f(k * g[i]!) + wi);
      wOut[i] = wo;
      du += (wo - wi) * (wo - wi);
      ww += wi * wi;
    }
    sums[0]! += du;
    sums[1]! += ww;
  },
};

/**
 * Momentum: a' = m·a + g;  w' = c·a' + w, or with Nesterov w' = c·(g + a'·m) + w
 * (m and c = −lr are tfjs's float32 scalar tensors). c = [m, c, nesterov].
 */
const momentum: Rule = {
  slots: (o: MomentumFields) => [o.accumulations],
  scalars: (o: MomentumFields) => [o.m, o.c],
  written: 0,
  params: (o: MomentumFields) => [o.useNesterov ? 1 : 0],
  constants: ([nesterov], [m, c]) => Float64Array.of(m!, c!, nesterov!),
  next: () => [],
  native: (memory, js, form) => nativeRule(memory, js, (c) => (c[2] === 1 ? 'nesterov' : 'momentum'), form),
  apply: (w, g, [a], c, wOut, [aOut], sums) => {
    const m = c[0]!, k = c[1]!, nesterov = c[2] === 1;
    let du = 0, ww = 0;
    for (let i = 0; i < wOut.length; i++) {
      const gi = g[i]!;
      const ai = f(f(m * a![i]!) + gi);
      aOut![i] = ai;
      const wi = w[i]!;
      const wo = f((nesterov ? f(k * f(gi + f(ai * m))) : f(k * ai)) + wi);
      wOut[i] = wo;
      du += (wo - wi) * (wo - wi);
      ww += wi * wi;
    }
    sums[0]! += du;
    sums[1]! += ww;
  },
};

/**
 * RMSprop: ms' = ms·ρ + g²·(1−ρ); centered: mg' = mg·ρ + g·(1−ρ) and the denominator
 * √(ms' − (mg'² + ε)), else √(ms' + ε); mom' = mom·μ + (g·lr) / denominator; w' = w − mom'.
 * c = [ρ, 1−ρ, μ, lr, ε, centered].
 */
const rmsprop: Rule = {
  slots: (o: RmsFields) => (o.centered ? [o.accumulatedMeanSquares, o.accumulatedMoments, o.accumulatedMeanGrads] : [o.accumulatedMeanSquares, o.accumulatedMoments]),
  scalars: () => [],
  written: 0,
  params: (o: RmsFields) => [o.decay, o.momentum, o.learningRate, o.epsilon, o.centered ? 1 : 0],
  constants: ([decay, mu, lr, eps, centered]) => Float64Array.of(f(decay!), f(1 - decay!), f(mu!), f(lr!), f(eps!), centered!),
  next: () => [],
  native: (memory, js, form) => nativeRule(memory, js, (c) => (c[5] === 1 ? 'rmspropCentered' : 'rmsprop'), form),
  apply: (w, g, [ms, mom, mg], c, wOut, [msOut, momOut, mgOut], sums) => {
    const rho = c[0]!, c1 = c[1]!, mu = c[2]!, lr = c[3]!, eps = c[4]!, centered = c[5] === 1;
    let du = 0, ww = 0;
    for (let i = 0; i < wOut.length; i++) {
      const gi = g[i]!;
      const msi = f(f(ms![i]! * rho) + f(f(gi * gi) * c1));
      let denom: number;
      if (centered) {
        const mgi = f(f(mg![i]! * rho) + f(gi * c1));
        mgOut![i] = mgi;
        denom = f(Math.sqrt(f(msi - f(f(mgi * mgi) + eps))));
      } else {
        denom = f(Math.sqrt(f(msi + eps)));
      }
      const momi = f(f(mom![i]! * mu) + f(f(gi * lr) / denom));
      msOut![i] = msi;
      momOut![i] = momi;
      const wi = w[i]!;
      const wo = f(wi - momi);
      wOut[i] = wo;
      du += (wo - wi) * (wo - wi);
      ww += wi * wi;
    }
    sums[0]! += du;
    sums[1]! += ww;
  },
};

/** The fused rules, by tfjs class name (`getClassName()`), with the class they replay. */
export const RULES: Readonly<Record<string, { rule: Rule; of: object }>> = {
  Adam: { rule: adam, of: tf.AdamOptimizer.prototype },
  SGD: { rule: sgd, of: tf.SGDOptimizer.prototype },
  Momentum: { rule: momentum, of: tf.MomentumOptimizer.prototype },
  RMSProp: { rule: rmsprop, of: tf.RMSPropOptimizer.prototype },
};
