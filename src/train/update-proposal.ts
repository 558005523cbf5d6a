/**
 * Update telemetry (issue #20): each step's update is computed before the step's single
 * readback, its norms ride in that readback (the update section of `PackLayout`), and the
 * loop then commits it (the policy applies the step), discards it (skip, halt) or releases
 * it (rollback, which restores an older state from the ring itself).
 * So the record of step K describes the update of step K, and a detector that asks to skip
 * it stops it from ever reaching the weights.
 *
 * Per step: ‖Δw‖ over every trainable variable, ‖Δw_l‖ per layer and ‖Δw_l‖/‖w_l‖ (2-norms;
 * w the weights before the update), where Δw is what the optimizer writes: after clipping,
 * learning rate and moments. On wasm/cpu the fused update kernel accumulates the sums as it
 * writes the new weights (no extra dispatch). Where it declines (tfjs-node, webgl, the first
 * step of an optimizer with slots, which tfjs creates), the step is applied through tfjs
 * and measured with ops against clones of the weights (no copy: tfjs tensors are immutable);
 * discarding it restores the weights and optimizer state from a snapshot.
 */
import { tf, type Tensor, type Variable } from '../runtime/tf.js';
import { createApplyGradients, createProposeUpdate, type UpdateGroups } from '../runtime/kernels/optimizer-update.js';
import { isUpdateClip } from '../clip/update-clip.js';
import type { ClipStrategy } from '../clip/types.js';
import type { RunPlan } from './plan.js';
import { internalError } from '../errors.js';
import { disposeSnapshot, restoreTensors, takeSnapshot } from './snapshot.js';

/** A step's update, computed and measured but not yet kept. */
export interface UpdateProposal {
  /** The step's packed readback with the update section appended; the caller disposes it. */
  readonly packed: tf.Tensor1D;
  /** Keeps the update (the step is applied). */
  commit(): void;
  /** Drops it: weights and optimizer state are as before the step. */
  discard(): Promise<void>;
  /**
   * Drops it without putting the state from before the step back, for a caller that
   * restores an older state itself (a rollback): no snapshot is restored twice.
   */
  release(): void;
}

/** Proposes the update of `grads` (clipped, in `plan.vars` order) and appends its norms to `packed`. */
export type ProposeUpdate = (grads: readonly Tensor[], packed: tf.Tensor1D) => UpdateProposal;

type ProposalPlan = Pick<RunPlan, 'model' | 'optimizer' | 'vars' | 'groups'>;

/** The layer index of each variable, from the plan's groups. */
function groupsOf(plan: ProposalPlan): UpdateGroups {
  const layerOf: number[] = new Array<number>(plan.vars.length).fill(0);
  plan.groups.forEach((g, l) => g.forEach((j) => (layerOf[j] = l)));
  return { layerOf, layers: plan.groups.length };
}

/**
 * The update section with ops, from the weights `before` and `after` the update: the same
 * quantities as the host kernel, in float32 (sums of squares by tfjs's `sum`).
 */
function updateSection(before: readonly Tensor[], after: readonly Variable[], groups: readonly (readonly number[])[]): Tensor {
  const du2 = groups.map((g) => tf.addN(g.map((j) => tf.sum(tf.square(tf.sub(after[j]!, before[j]!))))));
  const w2 = groups.map((g) => tf.addN(g.map((j) => tf.sum(tf.square(before[j]!)))));
  const norms = tf.sqrt(tf.stack(du2));
  const ratios = tf.where(tf.equal(norms, 0), tf.zerosLike(norms), tf.div(norms, tf.sqrt(tf.stack(w2))));
  return tf.concat([tf.reshape(tf.sqrt(tf.sum(tf.stack(du2))), [1]), norms, ratios]);
}

/**
 * The op path: apply through tfjs now, measure against the snapshot's copy of the weights
 * (which undoes the step on discard), so each weight is cloned once per step.
 */
function speculative(plan: ProposalPlan): ProposeUpdate {
  const apply = createApplyGradients(plan.optimizer, plan.vars);
  // Where each trainable variable sits among the model's weights (the snapshot's order).
  const weights = plan.model.weights.map((w) => w.read());
  const at = plan.vars.map((v) => weights.indexOf(v));
  if (at.some((i) => i < 0)) throw internalError('update_proposal_vars', 'a trainable variable is not among the model weights');
  return (grads, packed) => {
    const snapshot = takeSnapshot(plan);
    const before = at.map((i) => snapshot.weights[i]!);
    apply(grads);
    const extended = tf.tidy(() => tf.concat([packed, updateSection(before, plan.vars, plan.groups)]) as tf.Tensor1D);
    return {
      packed: extended,
      commit: () => disposeSnapshot(snapshot),
      discard: async () => {
        try {
          await restoreTensors(plan, snapshot);
        } finally {
          disposeSnapshot(snapshot);
        }
      },
      release: () => disposeSnapshot(snapshot),
    };
  };
}

/**
 * How the loop proposes each step's update, or null when the update depends on the
 * readback itself (update clipping, whose per-tensor learning rates come from it): such
 * runs log no update telemetry and apply after the readback as before.
 */
export function createUpdateProposer(plan: ProposalPlan, strategy: ClipStrategy): ProposeUpdate | null {
  if (isUpdateClip(strategy) || plan.vars.length === 0) return null;
  const fused = createProposeUpdate(plan.optimizer, plan.vars, groupsOf(plan));
  const ops = speculative(plan);
  if (!fused) return ops;
  return (grads, packed) => {
    const pending = fused(grads, packed);
    if (!pending) return ops(grads, packed);
    return { packed: pending.packed!, commit: pending.commit, discard: async () => pending.discard(), release: pending.discard };
  };
}
