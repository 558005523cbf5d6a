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
 * writes the new weights (no extra dispatch). On tfjs-node (and `cpu-ops`) the host update
 * computes it after the readback (`onHost`). Elsewhere (webgl, the first step of an optimizer
 * with slots, which tfjs creates), the step is applied through tfjs and measured with ops
 * against clones of the weights (no copy: tfjs tensors are immutable); discarding it
 * restores the weights and optimizer state from a snapshot.
 */
import { tf, type Tensor, type Variable } from '../runtime/tf.js';
import { createApplyGradients, createProposeUpdate, type UpdateGroups } from '../runtime/kernels/optimizer-update.js';
import { isUpdateClip } from '../clip/update-clip.js';
import type { ClipStrategy } from '../clip/types.js';
import type { RunPlan } from './plan.js';
import { internalError } from '../errors.js';
import { disposeSnapshot, restoreTensors, takeSnapshot } from './snapshot.js';
import { createHostUpdate } from '../runtime/kernels/host-update.js';
import { updateSectionSize, writeUpdateSection } from '../runtime/kernels/update-stats.js';
import type { DeferredStep } from '../runtime/kernels/norm-clip-pack.js';

/** A step's update, computed and measured but not yet kept. */
export interface UpdateProposal {
  /** The step's packed readback with the update section appended; the caller disposes it. */
  readonly packed: tf.Tensor1D;
  /**
   * The host update's second half: the values read back from `packed` (the step's vector,
   * then what the update reads) in, the step's vector with the update section out. Absent
   * where `packed` already holds the section.
   */
  readonly finish?: (values: Float32Array) => Float32Array;
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

/** How the loop proposes each step's update. */
export interface ProposeUpdate {
  /**
   * Proposes the update of `grads` (clipped, in `plan.vars` order) and appends its norms to
   * `packed`; with `deferred` (a fused step left to the host), `grads` are those before the
   * clip, which `packed` already holds, and the host finishes the step.
   */
  (grads: readonly Tensor[], packed: tf.Tensor1D, deferred?: DeferredStep): UpdateProposal;
  /** Whether the next step's fused step may be deferred to this proposer (`StepOptions.defer`). */
  readonly defers?: () => boolean;
}

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
 * The tfjs backends whose steps update on the host (`host-update.ts`): tfjs-node, where the
 * readback is a copy in the same memory, and `cpu-ops`, which stands in for it in tests. Not
 * webgl, where reading every gradient back from the GPU each step would cost more than it saves.
 */
const HOST_UPDATE_BACKENDS: ReadonlySet<string> = new Set(['tensorflow', 'cpu-ops']);

const flat = (t: Tensor): Tensor => (t.rank === 1 ? t : tf.reshape(t, [-1]));

/**
 * The host path: the gradients ride in the step's readback, the update and its norms are
 * computed on the host after it (`finish`), and `commit` writes the weights. Nothing is
 * applied before the policy decides, so discarding is free. Steps it declines (the first
 * one of an optimizer with slots) take `ops`.
 */
function onHost(plan: ProposalPlan, ops: ProposeUpdate): ProposeUpdate | null {
  const groups = groupsOf(plan);
  const host = createHostUpdate(plan.optimizer, plan.vars, groups);
  if (!host) return null;
  const propose = (grads: readonly Tensor[], packed: tf.Tensor1D, deferred?: DeferredStep): UpdateProposal => {
    const step = host(grads);
    if (!step && deferred) throw internalError('host_update_order', 'a step was deferred to a host update that declined it');
    if (!step) return ops(grads, packed);
    // Deferred: [loss, gradients] then the reads; else the step's vector, the gradients, the reads.
    const n = deferred ? deferred.gradsAt : packed.size;
    const size = deferred ? deferred.size : n;
    return {
      packed: tf.tidy(() => tf.concat([packed, ...(deferred ? [] : grads.map(flat)), ...step.reads.map(flat)]) as tf.Tensor1D),
      finish: (values) => {
        const out = new Float32Array(size + updateSectionSize(groups.layers));
        if (!deferred) out.set(values.subarray(0, n));
        const clip = deferred ? (g: readonly Float32Array[], w: readonly Float32Array[]) => deferred.pack(out, values[0]!, g, w) : undefined;
        writeUpdateSection(out, size, step.run(values, n, clip));
        return out;
      },
      commit: step.commit,
      discard: async () => {},
      release: () => {},
    };
  };
  return Object.assign(propose, { defers: host.ready });
}

/**
 * How the loop proposes each step's update, or null when the update depends on the
 * readback itself (update clipping, whose per-tensor learning rates come from it): such
 * runs log no update telemetry and apply after the readback as before. `host` (default:
 * the active backend is one of `HOST_UPDATE_BACKENDS`) takes the host path where no fused
 * kernel runs.
 */
export function createUpdateProposer(plan: ProposalPlan, strategy: ClipStrategy, host = HOST_UPDATE_BACKENDS.has(tf.getBackend())): ProposeUpdate | null {
  if (isUpdateClip(strategy) || plan.vars.length === 0) return null;
  // The host backends' fused kernel never runs where the host update does.
  const onHostPath = host ? onHost(plan, speculative(plan)) : null;
  if (onHostPath) return onHostPath;
  const fused = createProposeUpdate(plan.optimizer, plan.vars, groupsOf(plan));
  const ops = speculative(plan);
  if (!fused) return ops;
  return (grads, packed) => {
    const pending = fused(grads, packed);
    if (!pending) return ops(grads, packed);
    return { packed: pending.packed!, commit: pending.commit, discard: async () => pending.discard(), release: pending.discard };
  };
}
