/**
 * The training losses, as functions of targets and model outputs. The names and the
 * mapping from a Keras/tfjs training config's loss are in `loss-names` (no tfjs there).
 */
import type { Task } from '../data/dataset.js';
import { tf, type Scalar, type Tensor } from '../runtime/tf.js';

/** Maps (targets, predictions) of one batch to the scalar batch loss. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

import type { LossName } from './loss-names.js';

export { lossFromTrainingConfig, type LossName } from './loss-names.js';

/** Whether a model emits raw scores or already-squashed probabilities (final softmax/sigmoid). */
export type OutputKind = 'logits' | 'probabilities';

/** Keras's clipping epsilon for cross-entropy on probabilities (`backend.epsilon()`). */
export const PROB_EPSILON = 1e-7;

/** Huber's δ: quadratic below, linear above. Keras `Huber()` and PyTorch `HuberLoss()` default. */
export const HUBER_DELTA = 1;

// tf.mean over all axes is rank 0; the typings only know it as a Tensor.
const mean = (t: Tensor): Scalar => tf.mean(t) as Scalar;

function huber(yTrue: Tensor, yPred: Tensor): Scalar {
  const e = tf.abs(tf.sub(yPred, yTrue));
  const quad = tf.minimum(e, HUBER_DELTA);
  // 0.5·q² + δ·(|e| − q) equals 0.5·e² when |e| ≤ δ and δ·(|e| − δ/2) above.
  return mean(tf.add(tf.mul(0.5, tf.square(quad)), tf.mul(HUBER_DELTA, tf.sub(e, quad))));
}

function binaryCrossentropy(output: OutputKind): LossFn {
  if (output === 'logits') {
    // max(z, 0) − z·y + log(1 + exp(−|z|)): TF's sigmoid_cross_entropy_with_logits, finite for any z.
    return (y, z) => mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
  }
  return (y, p) => {
    const q = tf.clipByValue(p, PROB_EPSILON, 1 - PROB_EPSILON);
    return tf.neg(mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))))) as Scalar;
  };
}

function categoricalCrossentropy(output: OutputKind): LossFn {
  if (output === 'logits') return (y, z) => tf.neg(mean(tf.sum(tf.mul(y, tf.logSoftmax(z)), -1))) as Scalar;
  return (y, p) => tf.neg(mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, PROB_EPSILON, 1 - PROB_EPSILON))), -1))) as Scalar;
}

/**
 * The loss called `name`, for a model whose outputs are `output` (default logits):
 * - mse: (1/(n·k)) Σ (ŷ − y)². Matches PyTorch `MSELoss()`, Keras `mse` for k = 1.
 * - mae: (1/(n·k)) Σ |ŷ − y|. Matches PyTorch `L1Loss()`.
 * - huber: mean of 0.5·e² for |e| ≤ 1, |e| − 0.5 above (δ = 1). Matches PyTorch
 *   `HuberLoss()` and Keras `Huber()`.
 * - binary-crossentropy, y ∈ [0, 1]: on logits z, mean of max(z,0) − z·y + log(1+e^−|z|)
 *   (finite for any z; PyTorch `BCEWithLogitsLoss`); on probabilities p, clipped to
 *   [1e-7, 1 − 1e-7], −mean(y·log p + (1−y)·log(1−p)) (Keras `binary_crossentropy`).
 * - categorical-crossentropy, one-hot y: on logits −(1/n) Σ y·log_softmax(z) (PyTorch
 *   `CrossEntropyLoss`); on probabilities p, clipped as above, −(1/n) Σ y·log p (Keras).
 *
 * Returns a new scalar; creates intermediates, so call it inside `tf.tidy`. NaN/Inf in
 * the predictions propagate (the nonfinite detector sees them).
 */
export function lossByName(name: LossName, output: OutputKind = 'logits'): LossFn {
  switch (name) {
    case 'mse':
      return (yTrue, yPred) => mean(tf.squaredDifference(yPred, yTrue));
    case 'mae':
      return (yTrue, yPred) => mean(tf.abs(tf.sub(yPred, yTrue)));
    case 'huber':
      return huber;
    case 'binary-crossentropy':
      return binaryCrossentropy(output);
    case 'categorical-crossentropy':
      return categoricalCrossentropy(output);
  }
}

/** The default loss of a task: mse for regression, categorical cross-entropy for classification. */
export function defaultLoss(task: Task): LossName {
  return task === 'regression' ? 'mse' : 'categorical-crossentropy';
}

/**
 * The loss of `task` for built-in models (logits out): {@link lossByName} of
 * {@link defaultLoss}. Regression: mean squared error; classification: softmax
 * cross-entropy on logits, finite for logits of any size.
 */
export function lossFor(task: Task): LossFn {
  return lossByName(defaultLoss(task));
}
