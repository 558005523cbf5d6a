/**
 * The training step's update under update clipping (strategy kind `update-clip`,
 * src/clip/update-clip.ts): tfjs's Adam step with one learning rate per tensor,
 * `lr · updateLrFactor(rms_i, maxRms)`, the RMS values coming from the step's single readback.
 *
 * Steps where no tensor is clipped (every factor 1) go through the usual update,
 * `createApplyGradients` (the fused kernel on wasm/cpu, tfjs elsewhere), so they are what
 * tfjs computes bit for bit. Steps with a clipped tensor replay tfjs-core 4.22's
 * `AdamOptimizer.applyGradients` op for op with that tensor's learning rate (an unclipped
 * tensor's result is again tfjs's own), writing the optimizer's own slots, accβ1/accβ2 and
 * iteration count, so its state, `getWeights` and later steps see no difference. The fused
 * kernel declines those steps: correctness first (issue #21).
 */
import { tf, type Optimizer, type Tensor, type Variable } from '../runtime/tf.js';
import type { ClipStrategy, Measured } from '../clip/types.js';
import { adamInternals, isUpdateClip, updateLrFactor, updateRmsKey } from '../clip/update-clip.js';
import { internalError } from '../errors.js';
import { createApplyGradients } from '../runtime/kernels/optimizer-update.js';

/** Applies one step's gradients (in `vars` order), given the numbers the step read back. */
export type StepUpdate = (grads: readonly Tensor[], measured: Measured) => void;

/** A slot of tfjs's Adam: the variable and the name `getWeights` reports. */
type Slot = { originalName: string; variable: Variable };

/** The mutable fields of tfjs's `AdamOptimizer` the replay reads and writes. */
interface AdamFields {
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: (Slot | undefined)[];
  accumulatedSecondMoment: (Slot | undefined)[];
  incrementIterations(): void;
}

/** tfjs's slot creation: zeros like the variable, not trainable, named `<name>/m` or `/v`. */
function slot(slots: (Slot | undefined)[], i: number, value: Variable, suffix: string): Variable {
  slots[i] ??= { originalName: `${value.name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  return slots[i]!.variable;
}

/** tfjs's Adam step (tfjs-core 4.22, op for op) with learning rate `lrs[i]` for variable i. */
function adamStepWithRates(o: AdamFields, vars: readonly Variable[], grads: readonly Tensor[], lrs: readonly number[]): void {
  tf.tidy(() => {
    const oneMinusAccBeta1 = tf.sub(1, o.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, o.accBeta2);
    vars.forEach((value, i) => {
      const m = slot(o.accumulatedFirstMoment, i, value, 'm');
      const v = slot(o.accumulatedSecondMoment, i, value, 'v');
      const g = grads[i]!;
      const newM = tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1));
      const newV = tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
      const mHat = tf.div(newM, oneMinusAccBeta1);
      const vHat = tf.div(newV, oneMinusAccBeta2);
      m.assign(newM);
      v.assign(newV);
      value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), o.epsilon)), -lrs[i]!), value));
    });
    o.accBeta1.assign(tf.mul(o.accBeta1, o.beta1));
    o.accBeta2.assign(tf.mul(o.accBeta2, o.beta2));
  });
  o.incrementIterations();
}

/**
 * The update of a training step: `createApplyGradients(optimizer, vars)` for every strategy
 * but update clipping, which gets the per-tensor learning rates described above.
 * @throws GclipError `update_clip_optimizer` (exit 2) when update clipping meets an optimizer other than tfjs's Adam.
 */
export function createStepUpdate(optimizer: Optimizer, vars: readonly Variable[], strategy: ClipStrategy): StepUpdate {
  const plain = createApplyGradients(optimizer, vars);
  if (!isUpdateClip(strategy)) return (grads) => plain(grads);
  const adam = adamInternals(optimizer);
  const maxRms = strategy.options.maxRms as number;
  return (grads, measured) => {
    const lr = adam.learningRate;
    const lrs = vars.map((_, i) => {
      const rms = measured[updateRmsKey(i)];
      if (rms === undefined) throw internalError('update_clip_readback', `update-clip read back no ${updateRmsKey(i)} for ${vars.length} variables`);
      return lr * updateLrFactor(rms, maxRms);
    });
    if (lrs.every((x) => x === lr)) plain(grads);
    else adamStepWithRates(optimizer as unknown as AdamFields, vars, grads, lrs);
  };
}
