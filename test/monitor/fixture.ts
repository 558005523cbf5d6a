/** A small seeded model and fixed data for the monitor tests: the same weights and batches every time. */
import { tf } from '../../src/runtime/tf.js';

export const SAMPLES = 64;
export const BATCH = 8;

/** A 4→8→1 MLP with seeded initialisers and the layer names `hidden`, `out`. */
export function makeModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'tanh', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 1, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return model;
}

/** `SAMPLES` rows of y = Σ x·w + noise, from a fixed formula (no RNG); `nanRow` plants a NaN input. */
export function makeData(nanRow = -1): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const x = new Float32Array(SAMPLES * 4);
  const y = new Float32Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = Math.sin(i * 1.7 + j * 0.9) * (j + 1);
    y[i] = x[i * 4]! * 0.5 - x[i * 4 + 1]! * 0.25 + x[i * 4 + 3]! * 2 + Math.cos(i);
  }
  if (nanRow >= 0) x[nanRow * 4] = Number.NaN;
  return { xs: tf.tensor2d(x, [SAMPLES, 4]), ys: tf.tensor2d(y, [SAMPLES, 1]) };
}

/** Copies of the model's weights as host arrays (for bit-for-bit comparisons). */
export function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}
