/**
 * The single import site of TensorFlow.js. Every module that needs tensors imports `tf`
 * from here, so that the backend chosen in `backend.ts` is the one they all use.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Scalar = tf.Scalar;
export type Variable = tf.Variable;
export type NamedTensorMap = tf.NamedTensorMap;
export type LayersModel = tf.LayersModel;
export type Optimizer = tf.Optimizer;

interface EngineTapeState {
  state: { activeTape: { saved: tf.Tensor[] }[] | null; gradientDepth: number };
}

/**
 * Cleans up after a gradient computation that threw (e.g. an op without a gradient):
 * tfjs keeps clones of the tensors saved for the backward pass until backprop finishes,
 * and leaves its tape open when backprop throws, so those clones would leak. Disposes them
 * and closes the tape. A no-op when no top-level tape is open.
 */
export function releaseGradientTape(): void {
  const { state } = tf.engine() as unknown as EngineTapeState;
  if (state.activeTape === null || state.gradientDepth !== 0) return;
  for (const node of state.activeTape) for (const t of node.saved) t.dispose();
  state.activeTape = null;
}
