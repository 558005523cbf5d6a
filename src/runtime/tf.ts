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
