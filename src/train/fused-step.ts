/**
 * A step's telemetry under the built-in global-norm clip (`kind: norm`, the default and
 * the benchmark's strategy) in ONE host kernel on wasm/cpu: every pre-clip norm and the
 * weights checksum, the clip coefficient, `g · coef` for every gradient, and the packed
 * readback vector. The general path costs three dispatches for the same work (norms,
 * clip, pack) plus the strategy's own tidy scope, a threshold scalar and 11 intermediate
 * tensors; on the MLP that plumbing, not the arithmetic, was most of the telemetry's cost
 * (issue #9).
 *
 * Bit for bit the general path by construction: the norms come from `stepNormsHost` (the
 * arithmetic of `GclipStepNorms`), the coefficient from `fusedClipCoef` (that of
 * `GclipGlobalClip`, with the same per-backend `minimum`), each product `g · coef` and
 * `pre · coef` is one float32 multiplication as in those kernels and the pack, and the
 * vector has `PackLayout`'s order. `fusedNormStep` returns null (the caller takes the
 * general path) for any other strategy, another norm order than the run's, a non-float32
 * tensor, a backend without host memory, or validation/histogram steps.
 */
import { stepNormsHost, sumSquares } from '../clip/fused-norms.js';
import { fusedClipCoef, MINIMUM, scaleInto, type FusedClipAttrs } from '../clip/fused-clip.js';
import { isBuiltinGlobalNorm, TORCH_NORM_EPS, type GlobalNormSemantics } from '../clip/global-norm.js';
import { normOrderValue, sameNormOrder, type NormOrder } from '../clip/norms.js';
import type { ClipStrategy } from '../clip/types.js';
import type { NormType } from '../config/schema.js';
import { ensureHostKernel, hostKernel } from '../runtime/host-kernels.js';
import { tf, type Tensor } from '../runtime/tf.js';

/** The kernel's registry name. */
export const FUSED_STEP_KERNEL = 'GclipNormClipPack';

interface Attrs extends FusedClipAttrs {
  readonly p: number;
  readonly groups: readonly (readonly number[])[];
  readonly grads: number;
}

const kernelConfig = hostKernel<Attrs>(FUSED_STEP_KERNEL, (all, a, io, backendName) => {
  // Inputs: t0 = loss, t1…tk = gradients, then the weights.
  const k = a.grads;
  const n = all.length;
  // Allocate every output before taking any view (a wasm heap growth detaches views).
  const outs: tf.TensorInfo[] = [];
  for (let j = 1; j <= k; j++) outs.push(io.alloc([...all[j]!.shape]));
  const L = a.groups.length;
  const packed = io.alloc([2 * (L + 1) + 4]);
  const grads: ArrayLike<number>[] = [];
  const weights: ArrayLike<number>[] = [];
  for (let j = 1; j <= k; j++) grads.push(io.read(all[j]!));
  for (let j = k + 1; j < n; j++) weights.push(io.read(all[j]!));
  const r = a.p === 2 && sameSizes(grads, weights) ? stepNormsL2(grads, weights, a.groups) : stepNormsHost(grads, weights, a);
  const c = fusedClipCoef(r.total, a, MINIMUM[backendName]);
  for (let j = 0; j < k; j++) scaleInto(grads[j]!, c, io.view(outs[j]!));
  // [loss, pre, preLayer×L, post, postLayer×L, weightsSum, coef, threshold]
  const v = io.view(packed);
  v[0] = io.read(all[0]!)[0]!;
  for (let i = 0; i <= L; i++) {
    v[1 + i] = r.summary[i]!;
    v[2 + L + i] = r.summary[i]! * c;
  }
  v[3 + 2 * L] = r.weightsSum;
  v[4 + 2 * L] = c;
  v[5 + 2 * L] = a.maxNorm;
  outs.push(packed);
  return outs;
});

const f32 = Math.fround;

function sameSizes(grads: readonly ArrayLike<number>[], weights: readonly ArrayLike<number>[]): boolean {
  if (grads.length !== weights.length) return false;
  for (let j = 0; j < grads.length; j++) if (grads[j]!.length !== weights[j]!.length) return false;
  return true;
}

/**
 * `stepNormsHost` for p = 2 when every weight has its gradient's size: Σg² and Σw of each
 * variable in one loop (eight independent add chains instead of two loops of four: ~6.6 →
 * 4.5 µs on the MLP). Every accumulator receives the same terms in the same order as in
 * `sumSquares` and `sum` of `fused-norms.ts`, and the results are combined and rounded as
 * there, so the outputs are the same bits.
 */
function stepNormsL2(grads: readonly ArrayLike<number>[], weights: readonly ArrayLike<number>[], groups: readonly (readonly number[])[]) {
  const tensorNorms: number[] = [];
  let weightsSum = 0;
  for (let j = 0; j < grads.length; j++) {
    const x = grads[j]!, y = weights[j]!;
    let a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0;
    const n = x.length;
    const end = n - (n % 4);
    for (let i = 0; i < end; i += 4) {
      const x0 = x[i]!, x1 = x[i + 1]!, x2 = x[i + 2]!, x3 = x[i + 3]!;
      a += x0 * x0;
      b += x1 * x1;
      c += x2 * x2;
      d += x3 * x3;
      e += y[i]!;
      f += y[i + 1]!;
      g += y[i + 2]!;
      h += y[i + 3]!;
    }
    for (let i = end; i < n; i++) {
      a += x[i]! * x[i]!;
      e += y[i]!;
    }
    tensorNorms.push(f32(Math.sqrt(f32(a + b + c + d))));
    weightsSum = weightsSum + (e + f + g + h);
  }
  const total = f32(Math.sqrt(f32(sumSquares(tensorNorms))));
  const summary = [total];
  for (const group of groups) summary.push(f32(Math.sqrt(f32(sumSquares(group.map((j) => tensorNorms[j]!))))));
  return { tensorNorms, total, summary, weightsSum: f32(weightsSum) };
}

type GlobalNormOptions = { maxNorm: number; normType: NormOrder; semantics: GlobalNormSemantics };

/** Per strategy object: its `norm` options, or null (looked up once per run, not per step). */
const optionsOf = new WeakMap<ClipStrategy, GlobalNormOptions | null>();

/** The options of a built-in `norm` strategy (`clipByGlobalNorm`), or null for anything else. */
function globalNormOptions(strategy: ClipStrategy): GlobalNormOptions | null {
  let o = optionsOf.get(strategy);
  if (o === undefined) {
    o = readGlobalNormOptions(strategy);
    optionsOf.set(strategy, o);
  }
  return o;
}

function readGlobalNormOptions(strategy: ClipStrategy): GlobalNormOptions | null {
  // Identity, not shape: a user's own object with kind 'norm' keeps its own apply().
  if (!isBuiltinGlobalNorm(strategy)) return null;
  const o = strategy.options;
  const keys = Object.keys(o).sort().join();
  if (keys !== 'maxNorm,normType,semantics') return null;
  const { maxNorm, normType, semantics } = o as { maxNorm: unknown; normType: unknown; semantics: unknown };
  if (typeof maxNorm !== 'number' || !(maxNorm > 0) || !Number.isFinite(maxNorm)) return null;
  if (semantics !== 'torch' && semantics !== 'exact' && semantics !== 'tf') return null;
  if (normType !== 'inf' && typeof normType !== 'number') return null;
  return { maxNorm, normType: normType as NormOrder, semantics };
}

/** What `fusedNormStep` hands back: the clipped gradients and the packed readback. */
export interface FusedStepOutput {
  readonly grads: Tensor[];
  readonly packed: tf.Tensor1D;
}

/**
 * The built-in global-norm clip's step telemetry in one kernel (see module doc), or null
 * where the general path must run. `value` is the loss, `weights` the variables (their sum
 * is the finiteness checksum). Outputs are new tensors owned by the caller.
 */
export function fusedNormStep(
  strategy: ClipStrategy,
  value: Tensor,
  grads: readonly Tensor[],
  weights: readonly Tensor[],
  groups: readonly (readonly number[])[],
  normType: NormType,
): FusedStepOutput | null {
  const o = globalNormOptions(strategy);
  if (o === null || !sameNormOrder(o.normType, normType) || grads.length === 0) return null;
  const p = normOrderValue(normType);
  if (!(p >= 1) || value.dtype !== 'float32' || value.size !== 1) return null;
  for (const t of grads) if (t.dtype !== 'float32') return null;
  for (const t of weights) if (t.dtype !== 'float32') return null;
  if (!ensureHostKernel(FUSED_STEP_KERNEL, kernelConfig)) return null;
  const inputs: tf.NamedTensorMap = { t0: value };
  for (let j = 0; j < grads.length; j++) inputs[`t${j + 1}`] = grads[j]!;
  for (let j = 0; j < weights.length; j++) inputs[`t${grads.length + 1 + j}`] = weights[j]!;
  const attrs: Attrs = { p, groups, grads: grads.length, rule: o.semantics, maxNorm: o.maxNorm, eps: TORCH_NORM_EPS };
  const outs = tf.engine().runKernel(FUSED_STEP_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as Tensor[];
  return { grads: outs.slice(0, grads.length), packed: outs[grads.length] as tf.Tensor1D };
}
