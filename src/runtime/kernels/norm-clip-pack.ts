/**
 * A step's telemetry under a global-norm clip (the fused step of `clipByGlobalNorm`, the
 * default strategy and the benchmark's) in ONE host kernel on wasm/cpu: every pre-clip norm and the
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
 * vector is written through the same `PackLayout` the general path packs by. `normClipPack`
 * returns null (the caller takes the general path) for a non-float32 tensor or a backend
 * without host memory, unless the step is `defer`red: then the same arithmetic runs on the
 * host after the readback (`DeferredStep`, tfjs-node's host update). Which strategies and
 * steps may use it is theirs and the loop's to say (`ClipStrategy.fusedStep`).
 */
import { PackLayout } from '../pack-layout.js';
import { tf, type Tensor } from '../tf.js';
import { fusedClipCoef, MINIMUM, scaleInto, type FusedClipAttrs } from './global-clip.js';
import { ensureHostKernel, hostKernel } from './host-io.js';
import { stepNormsHost, sumSquares } from './step-norms.js';
import { hostLoops, type HostLoops } from './wasm-host.js';

/** The kernel's registry name. */
export const FUSED_STEP_KERNEL = 'GclipNormClipPack';

/** The readback of the fused step: what a global clip reads back (`coef`, `threshold` = maxNorm), sorted. */
const READBACK_KEYS = ['coef', 'threshold'] as const;

/** `PackLayout.of(L, READBACK_KEYS, false)` by layer count L: the hot path skips the lookup's key. */
const layouts: PackLayout[] = [];

interface Attrs extends FusedClipAttrs {
  readonly p: number;
  readonly groups: readonly (readonly number[])[];
  readonly grads: number;
  readonly layout: PackLayout;
}

const kernelConfig = hostKernel<Attrs>(FUSED_STEP_KERNEL, (all, a, io, backendName) => {
  // Inputs: t0 = loss, t1…tk = gradients, then the weights.
  const k = a.grads;
  const n = all.length;
  // Allocate every output before taking any view (a wasm heap growth detaches views).
  const outs: tf.TensorInfo[] = [];
  for (let j = 1; j <= k; j++) outs.push(io.alloc([...all[j]!.shape]));
  const packed = io.alloc([a.layout.size]);
  const grads: ArrayLike<number>[] = [];
  const weights: ArrayLike<number>[] = [];
  for (let j = 1; j <= k; j++) grads.push(io.read(all[j]!));
  for (let j = k + 1; j < n; j++) weights.push(io.read(all[j]!));
  const loops = hostLoops(io.memory);
  const c = packStep(io.view(packed), io.read(all[0]!)[0]!, grads, weights, a, MINIMUM[backendName], loops);
  for (let j = 0; j < k; j++) scaleInto(grads[j]!, c, io.view(outs[j]!), loops);
  outs.push(packed);
  return outs;
});

type PackAttrs = Pick<Attrs, 'p' | 'groups' | 'grads' | 'layout'> & FusedClipAttrs;

/** The step's norms, its coefficient (returned) and its packed vector (into `out`), from the loss, the gradients before the clip and the weights. */
function packStep(out: Float32Array, loss: number, grads: readonly ArrayLike<number>[], weights: readonly ArrayLike<number>[], a: PackAttrs, min: (x: number, y: number) => number, loops: HostLoops | null): number {
  const r = a.p === 2 && sameSizes(grads, weights) ? stepNormsL2(grads, weights, a.groups, loops) : stepNormsHost(grads, weights, a);
  const c = fusedClipCoef(r.total, a, min);
  a.layout.write(out, { loss, summary: r.summary, scale: c, weightsSum: r.weightsSum, readback: [c, a.maxNorm] });
  return c;
}

const f32 = Math.fround;

function sameSizes(grads: readonly ArrayLike<number>[], weights: readonly ArrayLike<number>[]): boolean {
  if (grads.length !== weights.length) return false;
  for (let j = 0; j < grads.length; j++) if (grads[j]!.length !== weights[j]!.length) return false;
  return true;
}

/**
 * Σx² into acc[0…3] and Σy into acc[4…7] (zeros on entry): element 4i + j to accumulator j,
 * the last n mod 4 to the first of each (`sumSquares` and `sum` of `step-norms.ts`).
 */
export function partialSums(x: ArrayLike<number>, y: ArrayLike<number>, acc: Float64Array): void {
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
  acc.set([a, b, c, d, e, f, g, h]);
}

/**
 * `stepNormsHost` for p = 2 when every weight has its gradient's size: Σg² and Σw of each
 * variable in one pass (eight independent add chains instead of two loops of four: ~6.6 →
 * 4.5 µs on the MLP), by the wasm SIMD loop of `wasm-host.ts` where `loops` has it (the
 * same accumulators, f64x2 lanes). Every accumulator receives the same terms in the same
 * order as in `sumSquares` and `sum` of `step-norms.ts`, and the results are combined and
 * rounded as there, so the outputs are the same bits.
 */
function stepNormsL2(grads: readonly ArrayLike<number>[], weights: readonly ArrayLike<number>[], groups: readonly (readonly number[])[], loops: HostLoops | null) {
  const tensorNorms: number[] = [];
  let weightsSum = 0;
  const acc = new Float64Array(8);
  for (let j = 0; j < grads.length; j++) {
    acc.fill(0);
    if (!loops?.sums(grads[j]!, weights[j]!, acc)) partialSums(grads[j]!, weights[j]!, acc);
    tensorNorms.push(f32(Math.sqrt(f32(acc[0]! + acc[1]! + acc[2]! + acc[3]!))));
    weightsSum = weightsSum + (acc[4]! + acc[5]! + acc[6]! + acc[7]!);
  }
  const total = f32(Math.sqrt(f32(sumSquares(tensorNorms))));
  const summary = [total];
  for (const group of groups) summary.push(f32(Math.sqrt(f32(sumSquares(group.map((j) => tensorNorms[j]!))))));
  return { tensorNorms, total, summary, weightsSum: f32(weightsSum) };
}


/** One step's tensors, as a fused step takes them (all owned by the caller). */
export interface StepGradients {
  /** The loss, a float32 scalar. */
  readonly loss: Tensor;
  /** The gradients, in `weights` order. */
  readonly grads: readonly Tensor[];
  /** The variables (their sum is the finiteness checksum). */
  readonly weights: readonly Tensor[];
  /** Gradient indices per logged layer. */
  readonly groups: readonly (readonly number[])[];
  /**
   * The update runs on the host after the readback (tfjs-node, `update-proposal.ts`): where
   * no host kernel runs, the step may leave its norms and clip to it (`FusedStepOutput.host`).
   */
  readonly defer?: boolean;
}

/**
 * A fused step left to the host: the readback holds the loss, then every gradient before the
 * clip (flattened, in order); after it, `pack` writes the step's vector (`layout.size`) from
 * those values and the weights, and returns the coefficient to multiply the gradients by.
 */
export interface DeferredStep {
  readonly gradsAt: number;
  /** Entries of the step's vector (`PackLayout.size`). */
  readonly size: number;
  pack(out: Float32Array, loss: number, grads: readonly Float32Array[], weights: readonly Float32Array[]): number;
}

/** What a fused step hands back: the clipped gradients, the packed readback and its layout (deferred: the gradients before the clip, the readback `host` describes). */
export interface FusedStepOutput {
  readonly grads: Tensor[];
  readonly packed: tf.Tensor1D;
  readonly layout: PackLayout;
  readonly host?: DeferredStep;
}

const flat = (t: Tensor): Tensor => (t.rank === 1 ? t : tf.reshape(t, [-1]));

/**
 * The deferred form (`StepGradients.defer`): the same numbers as the kernel, computed on the
 * host after the readback. The coefficient's `minimum` is `Math.min` (tfjs-node's and cpu's
 * for every value the rules produce: the second operand, 1, is never NaN).
 */
function deferred(step: StepGradients, a: PackAttrs): FusedStepOutput {
  const packed = tf.tidy(() => tf.concat([tf.reshape(step.loss, [1]), ...step.grads.map(flat)]) as tf.Tensor1D);
  const pack: DeferredStep['pack'] = (out, loss, grads, weights) => packStep(out, loss, grads, weights, a, Math.min, null);
  return { grads: [...step.grads], packed, layout: a.layout, host: { gradsAt: 1, size: a.layout.size, pack } };
}

/**
 * Norms of order `p` (≥ 1, Infinity for max), the global clip `clip` and the pack of one
 * step in one kernel (see module doc): the same tensors as `stepNorms` → the clip's op path
 * → `packParts`, bit for bit. The readback is `coef` and `threshold` (= `clip.maxNorm`).
 * @returns new tensors owned by the caller, or null where the general path must run.
 */
export function normClipPack(step: StepGradients, p: number, clip: FusedClipAttrs): FusedStepOutput | null {
  const { loss, grads, weights, groups } = step;
  if (grads.length === 0 || !(p >= 1) || loss.dtype !== 'float32' || loss.size !== 1) return null;
  for (const t of grads) if (t.dtype !== 'float32') return null;
  for (const t of weights) if (t.dtype !== 'float32') return null;
  const layout = (layouts[groups.length] ??= PackLayout.of(groups.length, READBACK_KEYS, false));
  if (!ensureHostKernel(FUSED_STEP_KERNEL, kernelConfig)) return step.defer ? deferred(step, { p, groups, grads: grads.length, layout, ...clip }) : null;
  const inputs: tf.NamedTensorMap = { t0: loss };
  for (let j = 0; j < grads.length; j++) inputs[`t${j + 1}`] = grads[j]!;
  for (let j = 0; j < weights.length; j++) inputs[`t${grads.length + 1 + j}`] = weights[j]!;
  const attrs: Attrs = { p, groups, grads: grads.length, rule: clip.rule, maxNorm: clip.maxNorm, eps: clip.eps, layout };
  const outs = tf.engine().runKernel(FUSED_STEP_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as Tensor[];
  return { grads: outs.slice(0, grads.length), packed: outs[grads.length] as tf.Tensor1D, layout };
}
