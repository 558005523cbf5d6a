/**
 * tfjs's optimizer updates in one kernel dispatch on backends that keep tensors in host
 * memory (wasm, cpu). `applyGradients` dispatches a few kernels per variable and step
 * (Adam 14, RMSprop ~9, momentum 3–5, SGD 2); on the bench MLP Adam's were 88 of a step's
 * 147 kernels, each costing a few µs of dispatch whatever its size (issue #9).
 *
 * Each rule replays its optimizer's `applyGradients` (tfjs-core 4.22) op by op in float32:
 * every op's result is rounded with `Math.fround` (the float64 result of +, −, ×, ÷ and √
 * on float32 operands rounds to the correctly rounded float32 one), scalars are the float32
 * values tfjs makes of the same JS numbers or read from the optimizer's own scalar tensors,
 * and the results are written back into the optimizer's own variables (weights, per-variable
 * slots, Adam's accβ1/accβ2) and its iteration count. The optimizer's state is therefore what
 * tfjs would hold — bit for bit, checked against tfjs on wasm and cpu (a NaN may carry the
 * other sign bit on wasm, where XNNPACK's NaN results differ from V8's) — and `getWeights`,
 * saving or a later `applyGradients` see no difference.
 *
 * Optimizers with per-variable slots take their first step through tfjs (it creates the
 * slots); the kernel is used from then on. Other optimizers (adagrad, adadelta, adamax),
 * other backends (tfjs-node, webgl), non-float32 variables and anything unexpected (slots of
 * another shape: a reused optimizer) keep `applyGradients` and its errors.
 */
import { tf, type Optimizer, type Tensor, type Variable } from '../tf.js';
import { ensureHostKernel, hostKernel } from './host-io.js';

/** The kernel's registry name. */
export const UPDATE_KERNEL = 'GclipOptimizerUpdate';

const f = Math.fround;

/** A slot array of a tfjs optimizer: `{ originalName, variable }` per variable, by position. */
type Slots = Array<{ variable: Variable } | undefined>;

/**
 * One variable's update: weights `w`, gradient `g`, slot values `s` (in the rule's slot
 * order) and the step's float32 scalars `c`, written to `wOut` and `sOut`.
 */
type Apply = (w: ArrayLike<number>, g: ArrayLike<number>, s: ArrayLike<number>[], c: Float64Array, wOut: Float32Array, sOut: Float32Array[]) => void;

/** How one tfjs optimizer class is fused. */
interface Rule {
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
}

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
  apply: (w, g, [m, v], c, wOut, [mOut, vOut]) => {
    const b1 = c[0]!, c1 = c[1]!, b2 = c[2]!, c2 = c[3]!, d1 = c[4]!, d2 = c[5]!, eps = c[6]!, nlr = c[7]!;
    for (let i = 0; i < wOut.length; i++) {
      const gi = g[i]!;
      const mi = f(f(m![i]! * b1) + f(gi * c1));
      const vi = f(f(v![i]! * b2) + f(f(gi * gi) * c2));
      const denom = f(f(Math.sqrt(f(vi / d2))) + eps);
      mOut![i] = mi;
      vOut![i] = vi;
      wOut[i] = f(f(f(mi / d1) / denom) * nlr) + w[i]!;
    }
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
  apply: (w, g, _s, c, wOut) => {
    const k = c[0]!;
    for (let i = 0; i < wOut.length; i++) wOut[i] = f(k * g[i]!) + w[i]!;
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
  apply: (w, g, [a], c, wOut, [aOut]) => {
    const m = c[0]!, k = c[1]!, nesterov = c[2] === 1;
    for (let i = 0; i < wOut.length; i++) {
      const gi = g[i]!;
      const ai = f(f(m * a![i]!) + gi);
      aOut![i] = ai;
      wOut[i] = (nesterov ? f(k * f(gi + f(ai * m))) : f(k * ai)) + w[i]!;
    }
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
  apply: (w, g, [ms, mom, mg], c, wOut, [msOut, momOut, mgOut]) => {
    const rho = c[0]!, c1 = c[1]!, mu = c[2]!, lr = c[3]!, eps = c[4]!, centered = c[5] === 1;
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
      wOut[i] = w[i]! - momi;
    }
  },
};

/** The fused rules, by tfjs class name (`getClassName()`), with the class they replay. */
const RULES: Readonly<Record<string, { rule: Rule; of: object }>> = {
  Adam: { rule: adam, of: tf.AdamOptimizer.prototype },
  SGD: { rule: sgd, of: tf.SGDOptimizer.prototype },
  Momentum: { rule: momentum, of: tf.MomentumOptimizer.prototype },
  RMSProp: { rule: rmsprop, of: tf.RMSPropOptimizer.prototype },
};

interface UpdateAttrs {
  readonly rule: string;
  readonly k: number;
  readonly slots: number;
  readonly params: number[];
}

// Inputs: k weights, k gradients, then each slot's k values, then the scalar tensors.
// Outputs: k weights, each slot's k values, then the written scalars.
const kernelConfig = hostKernel<UpdateAttrs>(UPDATE_KERNEL, (all, a, io) => {
  const { k, slots } = a;
  const rule = RULES[a.rule]!.rule;
  // Allocate every output before taking any view (a wasm allocation can detach views).
  const outs = [...all.slice(0, k), ...all.slice(2 * k, (2 + slots) * k)].map((t) => io.alloc([...t.shape]));
  const scalarOuts = Array.from({ length: rule.written }, () => io.alloc([]));
  const values = all.slice((2 + slots) * k).map((t) => io.read(t)[0]!);
  const c = rule.constants(a.params, values);
  for (let j = 0; j < k; j++) {
    const s: ArrayLike<number>[] = [];
    const sOut: Float32Array[] = [];
    for (let q = 0; q < slots; q++) {
      s.push(io.read(all[(2 + q) * k + j]!));
      sOut.push(io.view(outs[(1 + q) * k + j]!));
    }
    rule.apply(io.read(all[j]!), io.read(all[k + j]!), s, c, io.view(outs[j]!), sOut);
  }
  rule.next(a.params, values).forEach((v, i) => (io.view(scalarOuts[i]!)[0] = v));
  return [...outs, ...scalarOuts];
});

/** Applies one step's gradients (in `vars` order) to `vars`. */
export type ApplyGradients = (grads: readonly Tensor[]) => void;

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Whether the kernel can take this step: every slot exists, and each slot and gradient is
 * float32 with its variable's shape.
 */
function fusable(vars: readonly Variable[], grads: readonly Tensor[], slots: readonly Slots[]): boolean {
  if (grads.length !== vars.length || slots.some((s) => s.length !== vars.length)) return false;
  for (let j = 0; j < vars.length; j++) {
    const shape = vars[j]!.shape;
    const g = grads[j]!;
    if (g.dtype !== 'float32' || !sameShape(g.shape, shape)) return false;
    for (const s of slots) if (!s[j] || s[j]!.variable.dtype !== 'float32' || !sameShape(s[j]!.variable.shape, shape)) return false;
  }
  return true;
}

/**
 * The update of `optimizer` for `vars`: the fused kernel for tfjs's Adam, SGD, momentum and
 * RMSprop on a host backend with float32 variables, once tfjs has created the optimizer's
 * slots; `applyGradients` otherwise.
 */
export function createApplyGradients(optimizer: Optimizer, vars: readonly Variable[]): ApplyGradients {
  // The array form keeps `vars` order (a name map would put integer-like names first), so
  // the slots tfjs creates on the first step line up with `vars` as the kernel expects.
  const viaTfjs: ApplyGradients = (grads) => optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
  // The exact tfjs class, not `instanceof` (tfjs optimizers answer it by duck typing: an SGD
  // optimizer is an AdamOptimizer) and not a subclass (it may override applyGradients).
  const name = optimizer.getClassName();
  const entry = RULES[name];
  if (!entry || Object.getPrototypeOf(optimizer) !== entry.of || vars.length === 0 || vars.some((v) => v.dtype !== 'float32')) return viaTfjs;
  const rule = entry.rule;
  const o = optimizer as never;
  const k = vars.length;
  return (grads) => {
    const slots = rule.slots(o);
    if (!fusable(vars, grads, slots) || !ensureHostKernel(UPDATE_KERNEL, kernelConfig)) return viaTfjs(grads);
    const scalars = rule.scalars(o);
    const attrs: UpdateAttrs = { rule: name, k, slots: slots.length, params: rule.params(o) };
    const inputs: tf.NamedTensorMap = {};
    const order = [...vars, ...grads, ...slots.flatMap((s) => s.map((x) => x!.variable)), ...scalars];
    for (let i = 0; i < order.length; i++) inputs[`t${i}`] = order[i]!;
    const outs = tf.engine().runKernel(UPDATE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as Tensor[];
    for (let j = 0; j < k; j++) vars[j]!.assign(outs[j]!);
    slots.forEach((s, q) => s.forEach((x, j) => x!.variable.assign(outs[(1 + q) * k + j]!)));
    for (let i = 0; i < rule.written; i++) (scalars[i] as Variable).assign(outs[(1 + slots.length) * k + i]!);
    for (let i = 0; i < outs.length; i++) outs[i]!.dispose();
    (optimizer as unknown as { incrementIterations(): void }).incrementIterations();
  };
}

/**
 * The state `optimizer` carries between steps, as its own variables: the per-variable
 * slots (one array per slot kind, in the order tfjs's `getWeights`/`setWeights` use, each
 * in `vars` order; entries are missing before the first step creates them) and the scalar
 * state it updates itself (Adam's accβ1, accβ2). Null for an optimizer without a rule.
 * Checkpoints and rollbacks copy exactly these, so a restored optimizer continues bit for bit.
 */
export function optimizerStateOf(optimizer: Optimizer): { readonly slots: readonly (Variable | undefined)[][]; readonly scalars: readonly Variable[] } | null {
  const entry = RULES[optimizer.getClassName()];
  if (!entry) return null;
  const o = optimizer as never;
  return {
    slots: entry.rule.slots(o).map((s) => s.map((x) => x?.variable)),
    scalars: entry.rule.scalars(o).slice(0, entry.rule.written) as Variable[],
  };
}
