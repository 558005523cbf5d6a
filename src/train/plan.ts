/**
 * A run plan: everything the loop needs, built from a resolved config before the first
 * step (data in host memory, model, optimizer, clip strategy, layer groups). The loop
 * depends on this shape only, so tests can hand it any model and data.
 */
import type { LayersModel, Optimizer, Scalar, Tensor, Variable } from '../runtime/tf.js';
import type { BatchNamer } from './blame.js';

export interface RunPlan {
  readonly model: LayersModel;
  /** Trainable variables, in a fixed order. */
  readonly vars: readonly Variable[];
  /** Stable names of `vars` (`dense_1/kernel`), used in logs. */
  readonly varNames: readonly string[];
  /** Layer names, one per group. */
  readonly layerNames: readonly string[];
  /** For each layer, the indices in `vars` of its variables. */
  readonly groups: readonly (readonly number[])[];
  readonly optimizer: Optimizer;
  /** Loss of predictions against targets, as a scalar. */
  readonly loss: (ys: Tensor, preds: Tensor) => Scalar;
  /** Creates the batch tensors of `step` (inside the caller's tidy). Pure in `step`. */
  readonly batch: (step: number) => { xs: Tensor; ys: Tensor };
  /** Names the rows of a step's batch for records with events (host-side, see `train/blame`); absent: batches are not named. */
  readonly nameBatch?: BatchNamer;
  /** Validation tensors, kept for the whole run, or null without a validation split. */
  readonly val: { readonly xs: Tensor; readonly ys: Tensor } | null;
  readonly totalSteps: number;
  readonly lr: number;
  /** Releases the model, optimizer state and validation tensors. */
  dispose(): void;
}
