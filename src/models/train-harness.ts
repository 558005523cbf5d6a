/**
 * A minimal Adam training loop over the synthetic tasks, for the models' tests and
 * benchmarks (the real loop, with clipping and records, is `train/loop.ts`).
 */
import { dataSchema } from '../config/schema.js';
import { createBatchSchedule } from '../data/batches.js';
import { batchTensors } from '../data/dataset.js';
import { splitDataset } from '../data/split.js';
import { makeSyntheticData } from '../data/synthetic.js';
import { createRng } from '../runtime/rng.js';
import { tf, type Tensor } from '../runtime/tf.js';
import { buildModel, type BuiltinModelConfig } from './build.js';
import { lossFor } from './loss.js';

/** Per-step losses and `tf.memory().numTensors` after each step. */
export interface HarnessResult {
  readonly losses: number[];
  readonly counts: number[];
}

/**
 * Builds the model and data of seed 123, trains `steps` Adam steps with learning rate `lr`
 * and disposes everything it made. `dataInput` is parsed with `dataSchema` (defaults apply).
 * One readback per step (the loss).
 */
export async function trainSteps(dataInput: unknown, model: BuiltinModelConfig, steps: number, lr: number): Promise<HarnessResult> {
  const rng = createRng(123);
  const data = dataSchema.parse(dataInput);
  const { train: ds } = splitDataset(makeSyntheticData(data, rng.fork('data')), data.valFraction);
  const net = buildModel(model, ds, rng.fork('model'));
  const schedule = createBatchSchedule({ trainSize: ds.samples, batchSize: data.batchSize, shuffle: true }, rng.fork('batches'));
  const lossFn = lossFor(ds.task);
  const optimizer = tf.train.adam(lr);
  const losses: number[] = [];
  const counts: number[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const { xs, ys } = batchTensors(ds, schedule.next());
      const loss = optimizer.minimize(() => lossFn(ys, net.apply(xs, { training: true }) as Tensor), true);
      tf.dispose([xs, ys]);
      losses.push(loss ? (await loss.data())[0]! : Number.NaN);
      loss?.dispose();
      counts.push(tf.memory().numTensors);
    }
  } finally {
    optimizer.dispose();
    net.dispose();
  }
  return { losses, counts };
}
