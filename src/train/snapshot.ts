/**
 * The tensor half of a training state: the model's weights (trainable or not) and the
 * optimizer's slots, scalar state and iteration count. A snapshot holds clones (tfjs
 * tensors are immutable, so a clone costs no copy); restoring assigns them back into the
 * same variables. The rollback ring keeps snapshots in memory; a checkpoint reads one back
 * to disk, and `restoreTensors` also takes one rebuilt from disk into a fresh optimizer.
 */
import { tf, type Optimizer, type Tensor, type Variable } from '../runtime/tf.js';
import { optimizerStateOf } from '../runtime/kernels/optimizer-update.js';
import { flushHostState, forgetHostState } from '../runtime/kernels/host-update.js';
import { internalError } from '../errors.js';
import type { RunPlan } from './plan.js';

/** Weights and optimizer state at a step boundary. The owner disposes it. */
export interface TensorSnapshot {
  /** `model.weights` values, in that order. */
  readonly weights: readonly Tensor[];
  /** Optimizer slots per kind (see `optimizerStateOf`), each in `plan.vars` order; [] before the first update. */
  readonly slots: readonly (readonly Tensor[])[];
  /** The optimizer's own scalar state (Adam's accβ1, accβ2). */
  readonly scalars: readonly Tensor[];
  /** Optimizer updates applied so far (`optimizer.iterations`). */
  readonly iterations: number;
}

/** An optimizer's mutable iteration count (tfjs keeps it in a protected field). */
type Counted = { iterations_: number };

function stateOf(optimizer: Optimizer) {
  const state = optimizerStateOf(optimizer);
  if (state === null) throw internalError('optimizer_state_unknown', `cannot snapshot a ${optimizer.getClassName()} optimizer`);
  return state;
}

/** Clones the plan's weights and optimizer state. */
export function takeSnapshot(plan: Pick<RunPlan, 'model' | 'optimizer'>): TensorSnapshot {
  flushHostState(plan.optimizer);
  const state = stateOf(plan.optimizer);
  const created = state.slots.every((kind) => kind.length > 0 && kind.every((v) => v !== undefined));
  return {
    weights: plan.model.weights.map((w) => tf.clone(w.read())),
    slots: created ? state.slots.map((kind) => kind.map((v) => tf.clone(v!))) : [],
    scalars: state.scalars.map((v) => tf.clone(v)),
    iterations: (plan.optimizer as unknown as Counted).iterations_,
  };
}

/**
 * Puts `snap` back into the plan's model and optimizer. Slots the optimizer already has
 * are assigned in place (zeros when the snapshot predates them); an optimizer without
 * slots yet gets them through tfjs's `setWeights`, in the order it expects.
 */
export async function restoreTensors(plan: Pick<RunPlan, 'model' | 'optimizer' | 'vars'>, snap: TensorSnapshot): Promise<void> {
  const weights = plan.model.weights;
  if (weights.length !== snap.weights.length) throw internalError('snapshot_mismatch', `snapshot has ${snap.weights.length} weights, the model ${weights.length}`);
  // The snapshot's clones may share the variables' `dataId`s: a host update must re-read, not compare.
  forgetHostState(plan.optimizer);
  weights.forEach((w, i) => (w.read() as Variable).assign(snap.weights[i]!));
  const state = stateOf(plan.optimizer);
  const has = state.slots.every((kind) => kind.length === plan.vars.length && kind.every((v) => v !== undefined));
  if (has) {
    // A snapshot from before the first update: the slots tfjs would create then (zeros).
    tf.tidy(() => state.slots.forEach((kind, q) => kind.forEach((v, j) => v!.assign(snap.slots[q]?.[j] ?? tf.zerosLike(v!)))));
  } else if (snap.slots.length > 0) {
    const iter = tf.scalar(snap.iterations, 'int32');
    const named = [{ name: 'iter', tensor: iter }, ...snap.slots.flatMap((kind, q) => kind.map((t, j) => ({ name: `${plan.vars[j]!.name}/${q}`, tensor: t })))];
    await plan.optimizer.setWeights(named);
    iter.dispose();
  }
  state.scalars.forEach((v, i) => v.assign(snap.scalars[i]!));
  (plan.optimizer as unknown as Counted).iterations_ = snap.iterations;
}

/** Releases a snapshot's tensors. */
export function disposeSnapshot(snap: TensorSnapshot): void {
  tf.dispose([...snap.weights, ...snap.slots.flat(), ...snap.scalars]);
}

/** Sets the learning rate an optimizer uses from its next update on. */
export function setLearningRate(optimizer: Optimizer, lr: number): void {
  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
