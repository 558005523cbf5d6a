/**
 * The loss of each task, as a function of targets and model outputs.
 */
import type { Task } from '../data/dataset.js';
import { tf, type Scalar, type Tensor } from '../runtime/tf.js';

/** Maps (targets, predictions) of one batch to the scalar batch loss. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

/**
 * The training loss of `task`:
 * - regression: mean squared error, mean over every element of the batch:
 *   L = (1/(n·k)) Σ (ŷ − y)². Matches PyTorch `MSELoss()` and Keras `mse` for k = 1.
 * - classification: softmax cross-entropy on logits, averaged over the batch:
 *   L = −(1/n) Σᵢ Σⱼ yᵢⱼ · log_softmax(zᵢ)ⱼ, with one-hot y. Computed with logSoftmax
 *   (max-subtracted), so it stays finite for logits of any size. Matches PyTorch
 *   `CrossEntropyLoss()` on class indices.
 *
 * Returns a new scalar; creates intermediates, so call it inside `tf.tidy` or
 * `optimizer.minimize`. NaN/Inf in the predictions propagate to the loss (the loop's
 * nonfinite detector sees them).
 */
export function lossFor(task: Task): LossFn {
  // tf.mean over all axes is rank 0; the typings only know it as a Tensor.
  if (task === 'regression') return (yTrue, yPred) => tf.mean(tf.squaredDifference(yPred, yTrue)) as Scalar;
  return (yTrue, yPred) => tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.logSoftmax(yPred)), -1))) as Scalar;
}
