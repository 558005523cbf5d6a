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
 * On wasm the same op sequences run as WebAssembly f32 code on the backend's own memory
 * (`wasm-rules.ts`: the same values, four elements at a time in SIMD, a sixth of the JS loops' cost, issue #22).
 *
 * Optimizers with per-variable slots take their first step through tfjs (it creates the
 * slots); the kernel is used from then on. Other optimizers (adagrad, adadelta, adamax),
 * other backends (tfjs-node, webgl), non-float32 variables and anything unexpected (slots of
 * another shape: a reused optimizer) keep `applyGradients` and its errors.
 */
import { tf, type Optimizer, type Tensor, type Variable } from '../tf.js';
import { ensureHostKernel, hostKernel } from './host-io.js';
import { RULES, type Rule, type Slots } from './optimizer-rules.js';
import { updateSectionSize, writeUpdateSection } from './update-stats.js';

/** The kernel's registry name. */
export const UPDATE_KERNEL = 'GclipOptimizerUpdate';


interface UpdateAttrs {
  readonly rule: string;
  readonly k: number;
  readonly slots: number;
  readonly params: number[];
  /** Update telemetry: the layer of each variable (empty: none), and the layer count. */
  readonly layerOf: number[];
  readonly layers: number;
}

// Inputs: k weights, k gradients, then each slot's k values, then the scalar tensors, then
// (with telemetry) the step's packed readback. Outputs: k weights, each slot's k values, the
// written scalars, then (with telemetry) the packed readback with the update section appended.
const kernelConfig = hostKernel<UpdateAttrs>(UPDATE_KERNEL, (all, a, io) => {
  const { k, slots } = a;
  const rule = RULES[a.rule]!.rule;
  const telemetry = a.layerOf.length > 0;
  const scalarIns = all.slice((2 + slots) * k, telemetry ? -1 : undefined);
  // Allocate every output before taking any view (a wasm allocation can detach views).
  const outs = [...all.slice(0, k), ...all.slice(2 * k, (2 + slots) * k)].map((t) => io.alloc([...t.shape]));
  const scalarOuts = Array.from({ length: rule.written }, () => io.alloc([]));
  const packedIn = telemetry ? all[all.length - 1]! : null;
  const packedOut = packedIn ? io.alloc([packedIn.shape[0]! + updateSectionSize(a.layers)]) : null;
  const values = scalarIns.map((t) => io.read(t)[0]!);
  const c = rule.constants(a.params, values);
  const layers = a.layers;
  const sums = { du2: new Float64Array(layers), w2: new Float64Array(layers) };
  const acc = new Float64Array(2);
  const apply = (io.memory && rule.native?.(io.memory, rule.apply)) || rule.apply;
  // Float32Array on both host backends (wasm heap views, cpu's float32 values): the rules'
  // loops index typed arrays only, which keeps their element reads monomorphic.
  const read = (t: tf.TensorInfo) => io.read(t) as Float32Array;
  for (let j = 0; j < k; j++) {
    const s: Float32Array[] = [];
    const sOut: Float32Array[] = [];
    for (let q = 0; q < slots; q++) {
      s.push(read(all[(2 + q) * k + j]!));
      sOut.push(io.view(outs[(1 + q) * k + j]!));
    }
    acc[0] = 0;
    acc[1] = 0;
    apply(read(all[j]!), read(all[k + j]!), s, c, io.view(outs[j]!), sOut, acc);
    if (telemetry) {
      sums.du2[a.layerOf[j]!]! += acc[0]!;
      sums.w2[a.layerOf[j]!]! += acc[1]!;
    }
  }
  rule.next(a.params, values).forEach((v, i) => (io.view(scalarOuts[i]!)[0] = v));
  if (!packedIn) return [...outs, ...scalarOuts];
  const v = io.view(packedOut!);
  v.set(io.read(packedIn) as Float32Array);
  writeUpdateSection(v, packedIn.shape[0]!, sums);
  return [...outs, ...scalarOuts, packedOut!];
});

/** Applies one step's gradients (in `vars` order) to `vars`. */
export type ApplyGradients = (grads: readonly Tensor[]) => void;

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Whether the kernel can take this step: every slot exists, and each slot and gradient is
 * float32 with its variable's shape.
 */
export function fusable(vars: readonly Variable[], grads: readonly Tensor[], slots: readonly Slots[]): boolean {
  if (grads.length !== vars.length || slots.some((s) => s.length !== vars.length)) return false;
  for (let j = 0; j < vars.length; j++) {
    const shape = vars[j]!.shape;
    const g = grads[j]!;
    if (g.dtype !== 'float32' || !sameShape(g.shape, shape)) return false;
    for (const s of slots) if (!s[j] || s[j]!.variable.dtype !== 'float32' || !sameShape(s[j]!.variable.shape, shape)) return false;
  }
  return true;
}

/** A fused update computed but not yet written: `commit` writes it into the optimizer's variables, `discard` drops it. */
export interface PendingUpdate {
  /** The step's packed readback with the update section appended (telemetry calls only). */
  readonly packed: tf.Tensor1D | null;
  commit(): void;
  discard(): void;
}

/** Which layer each variable belongs to, for the update telemetry. */
export interface UpdateGroups {
  readonly layerOf: readonly number[];
  readonly layers: number;
}

const NO_LAYERS: readonly number[] = [];

type FusedUpdate = (grads: readonly Tensor[], telemetry: { groups: UpdateGroups; packed: Tensor } | null) => PendingUpdate | null;

/**
 * The rule that replays `optimizer`'s update of `vars`, or null where none does: no rule for
 * its class, no variables, a non-float32 variable. The exact tfjs class, not `instanceof`
 * (tfjs optimizers answer it by duck typing: an SGD optimizer is an AdamOptimizer) and not a
 * subclass (it may override applyGradients).
 */
export function ruleOf(optimizer: Optimizer, vars: readonly Variable[]): Rule | null {
  const entry = RULES[optimizer.getClassName()];
  if (!entry || Object.getPrototypeOf(optimizer) !== entry.of || vars.length === 0 || vars.some((v) => v.dtype !== 'float32')) return null;
  return entry.rule;
}

/**
 * The fused kernel's update of `optimizer` for `vars`, or null where it never runs (no rule
 * for the class, no variables, a non-float32 variable). A call returns null when this step
 * cannot take it (slots not created yet, a shape or dtype mismatch, not a host backend).
 */
function fusedUpdate(optimizer: Optimizer, vars: readonly Variable[]): FusedUpdate | null {
  const rule = ruleOf(optimizer, vars);
  if (!rule) return null;
  const name = optimizer.getClassName();
  const o = optimizer as never;
  const k = vars.length;
  return (grads, telemetry) => {
    const slots = rule.slots(o);
    if (!fusable(vars, grads, slots) || !ensureHostKernel(UPDATE_KERNEL, kernelConfig)) return null;
    const scalars = rule.scalars(o);
    const groups = telemetry?.groups;
    const attrs: UpdateAttrs = { rule: name, k, slots: slots.length, params: rule.params(o), layerOf: (groups?.layerOf ?? NO_LAYERS) as number[], layers: groups?.layers ?? 0 };
    const inputs: tf.NamedTensorMap = {};
    const order = [...vars, ...grads, ...slots.flatMap((s) => s.map((x) => x!.variable)), ...scalars, ...(telemetry ? [telemetry.packed] : [])];
    for (let i = 0; i < order.length; i++) inputs[`t${i}`] = order[i]!;
    const outs = tf.engine().runKernel(UPDATE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as Tensor[];
    const n = (1 + slots.length) * k + rule.written;
    const release = () => {
      for (let i = 0; i < n; i++) outs[i]!.dispose();
    };
    const commit = () => {
      for (let j = 0; j < k; j++) vars[j]!.assign(outs[j]!);
      slots.forEach((s, q) => s.forEach((x, j) => x!.variable.assign(outs[(1 + q) * k + j]!)));
      for (let i = 0; i < rule.written; i++) (scalars[i] as Variable).assign(outs[(1 + slots.length) * k + i]!);
      release();
      (optimizer as unknown as { incrementIterations(): void }).incrementIterations();
    };
    return { packed: telemetry ? (outs[n] as tf.Tensor1D) : null, commit, discard: release };
  };
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
  const fused = fusedUpdate(optimizer, vars);
  if (!fused) return viaTfjs;
  return (grads) => {
    const pending = fused(grads, null);
    if (pending) pending.commit();
    else viaTfjs(grads);
  };
}

/**
 * The fused update with telemetry, computed but not written: the kernel also returns
 * `packed` with the update section appended (`PackLayout`; Σ(Δw)² and Σw² accumulate per
 * variable as it writes the new weights). Null when the fused kernel declines this step
 * (then the caller measures the update with ops). The caller disposes the pending `packed`.
 */
export function createProposeUpdate(optimizer: Optimizer, vars: readonly Variable[], groups: UpdateGroups): ((grads: readonly Tensor[], packed: Tensor) => PendingUpdate | null) | null {
  const fused = fusedUpdate(optimizer, vars);
  return fused ? (grads, packed) => fused(grads, { groups, packed }) : null;
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
