/**
 * tfjs's Adam update in one kernel dispatch on backends that keep tensors in host memory
 * (wasm, cpu). `AdamOptimizer.applyGradients` dispatches 14 kernels per variable (mul, add,
 * square, div, sqrt, assigns…) plus 4; on the bench MLP that was 88 of a step's 147
 * kernels, each costing a few µs of dispatch whatever its size (issue #9).
 *
 * The kernel replays `applyGradients` op by op in float32: every op's result is rounded
 * with `Math.fround` (the float64 result of +, −, ×, ÷ and √ on float32 operands rounds to
 * the correctly rounded float32 one), scalars are the float32 values tfjs makes of the same
 * JS numbers, and the results are written back into the optimizer's own variables (the
 * weights, its first and second moments, accBeta1/accBeta2) and its iteration count. The
 * optimizer's state is therefore exactly what tfjs would hold — bit for bit, checked
 * against tfjs's own Adam on wasm and cpu — and `getWeights`, saving or a later
 * `applyGradients` see no difference.
 *
 * The first step goes through tfjs (it creates the moment variables); the kernel is used
 * from then on. Other optimizers, other backends (tfjs-node, webgl) and non-float32
 * variables keep `applyGradients`.
 */
import { tf, type Optimizer, type Tensor, type Variable } from '../runtime/tf.js';
import { ensureHostKernel, hostKernel } from '../runtime/host-kernels.js';

/** The kernel's registry name. */
export const ADAM_KERNEL = 'GclipAdam';

/** The scalars of one update, as the JS numbers tfjs turns into float32 scalars. */
interface AdamAttrs {
  readonly k: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly learningRate: number;
}

/** The parts of tfjs's AdamOptimizer the kernel reads and writes. */
interface AdamState {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly accBeta1: Variable;
  readonly accBeta2: Variable;
  readonly accumulatedFirstMoment: Array<{ variable: Variable } | undefined>;
  readonly accumulatedSecondMoment: Array<{ variable: Variable } | undefined>;
  incrementIterations(): void;
}

const f = Math.fround;

/**
 * One variable's update, in tfjs's op order:
 *   m' = m·β1 + g·(1−β1);  v' = v·β2 + g²·(1−β2)
 *   w' = (m' / (1 − accβ1)) / (√(v' / (1 − accβ2)) + ε) · (−lr) + w
 * `s` holds the float32 scalars: [β1, 1−β1, β2, 1−β2, 1−accβ1, 1−accβ2, ε, −lr].
 */
export function adamInto(
  w: ArrayLike<number>, g: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>, s: Float64Array,
  wOut: Float32Array, mOut: Float32Array, vOut: Float32Array,
): void {
  const b1 = s[0]!, c1 = s[1]!, b2 = s[2]!, c2 = s[3]!, d1 = s[4]!, d2 = s[5]!, eps = s[6]!, nlr = s[7]!;
  const n = wOut.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * b1) + f(gi * c1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
    const denom = f(f(Math.sqrt(f(vi / d2))) + eps);
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = f(f(f(mi / d1) / denom) * nlr) + w[i]!;
  }
}

// Inputs: k weights, k gradients, k first moments, k second moments, accβ1, accβ2.
const kernelConfig = hostKernel<AdamAttrs>(ADAM_KERNEL, (all, a, io) => {
  const k = a.k;
  // Allocate every output before taking any view (a wasm allocation can detach views).
  const outs = [...all.slice(0, k), ...all.slice(2 * k, 4 * k)].map((t) => io.alloc([...t.shape]));
  const accOut = [io.alloc([]), io.alloc([])];
  const acc1 = io.read(all[4 * k]!)[0]!;
  const acc2 = io.read(all[4 * k + 1]!)[0]!;
  const s = Float64Array.of(f(a.beta1), f(1 - a.beta1), f(a.beta2), f(1 - a.beta2), f(1 - acc1), f(1 - acc2), f(a.epsilon), f(-a.learningRate));
  for (let j = 0; j < k; j++) {
    adamInto(io.read(all[j]!), io.read(all[k + j]!), io.read(all[2 * k + j]!), io.read(all[3 * k + j]!), s, io.view(outs[j]!), io.view(outs[k + j]!), io.view(outs[2 * k + j]!));
  }
  io.view(accOut[0]!)[0] = f(acc1 * f(a.beta1));
  io.view(accOut[1]!)[0] = f(acc2 * f(a.beta2));
  return [...outs, ...accOut];
});

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Whether the kernel can take this step: tfjs has created every moment, and each moment
 * and gradient is float32 with its variable's shape. Anything else (a reused optimizer
 * whose moments belong to other variables, say) goes through tfjs, which raises its own error.
 */
function fusable(vars: readonly Variable[], grads: readonly Tensor[], m: AdamState['accumulatedFirstMoment'], v: AdamState['accumulatedSecondMoment']): boolean {
  if (m.length !== vars.length || v.length !== vars.length || grads.length !== vars.length) return false;
  for (let j = 0; j < vars.length; j++) {
    const shape = vars[j]!.shape;
    const g = grads[j]!;
    if (g.dtype !== 'float32' || !sameShape(g.shape, shape) || !m[j] || !v[j] || !sameShape(m[j]!.variable.shape, shape) || !sameShape(v[j]!.variable.shape, shape)) return false;
  }
  return true;
}

/** Applies one step's gradients (in `vars` order) to `vars`. */
export type ApplyGradients = (grads: readonly Tensor[]) => void;

/**
 * The update of `optimizer` for `vars`: the fused kernel for a tfjs AdamOptimizer on a host
 * backend with float32 variables, once tfjs has created its moments; `applyGradients`
 * otherwise.
 */
export function createApplyGradients(optimizer: Optimizer, vars: readonly Variable[]): ApplyGradients {
  const viaTfjs: ApplyGradients = (grads) => {
    const named: tf.NamedTensorMap = {};
    for (let i = 0; i < vars.length; i++) named[vars[i]!.name] = grads[i]!;
    optimizer.applyGradients(named);
  };
  // Not `instanceof`: tfjs optimizers answer it by duck typing (an SGD optimizer is an AdamOptimizer).
  if (optimizer.getClassName() !== 'Adam' || vars.length === 0 || vars.some((v) => v.dtype !== 'float32')) return viaTfjs;
  const adam = optimizer as unknown as AdamState;
  const k = vars.length;
  return (grads) => {
    const m = adam.accumulatedFirstMoment;
    const v = adam.accumulatedSecondMoment;
    if (!fusable(vars, grads, m, v) || !ensureHostKernel(ADAM_KERNEL, kernelConfig)) return viaTfjs(grads);
    const inputs: tf.NamedTensorMap = {};
    const order = [...vars, ...grads, ...m.map((x) => x!.variable), ...v.map((x) => x!.variable), adam.accBeta1, adam.accBeta2];
    for (let i = 0; i < order.length; i++) inputs[`t${i}`] = order[i]!;
    // Read each step, as tfjs does: a caller may change the optimizer's learningRate between steps.
    const attrs: AdamAttrs = { k, beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon, learningRate: adam.learningRate };
    const outs = tf.engine().runKernel(ADAM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as Tensor[];
    for (let j = 0; j < k; j++) {
      vars[j]!.assign(outs[j]!);
      m[j]!.variable.assign(outs[k + j]!);
      v[j]!.variable.assign(outs[2 * k + j]!);
    }
    adam.accBeta1.assign(outs[3 * k]!);
    adam.accBeta2.assign(outs[3 * k + 1]!);
    for (let i = 0; i < outs.length; i++) outs[i]!.dispose();
    adam.incrementIterations();
  };
}
