/**
 * A minimal Adam training loop over the synthetic tasks, for the models' tests and
 * benchmarks (the real loop, with clipping and records, is `train/loop.ts`).
 */
import { dataSchema } from '../config/schema.js';
import { createBatchSchedule } from '../data/batches.js';
import { batchTensors, type HostDataset } from '../data/dataset.js';
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
  const data = dataSchema.parse(dataInput);
  if (data.kind === 'file') throw new Error('trainSteps takes a synthetic data kind');
  const rng = createRng(123);
  const { train: ds } = splitDataset(makeSyntheticData(data, rng.fork('data')), data.valFraction);
  return trainOnDataset(ds, model, { steps, lr, batchSize: data.batchSize });
}

/** Options of {@link trainOnDataset}. */
export interface HarnessOptions {
  readonly steps: number;
  readonly lr: number;
  readonly batchSize: number;
  /** Milliseconds clock; when given, the result carries the wall time of each step. */
  readonly now?: () => number;
}

/**
 * Trains a built-in model (seed 123) on `ds` with Adam on the active backend and disposes
 * everything it made. One readback per step (the loss); `stepMs[i]` includes it.
 */
export async function trainOnDataset(ds: HostDataset, model: BuiltinModelConfig, o: HarnessOptions): Promise<HarnessResult & { stepMs: number[] }> {
  const rng = createRng(123);
  const net = buildModel(model, ds, rng.fork('model'));
  const schedule = createBatchSchedule({ trainSize: ds.samples, batchSize: o.batchSize, shuffle: true }, rng.fork('batches'));
  const lossFn = lossFor(ds.task);
  const optimizer = tf.train.adam(o.lr);
  const losses: number[] = [];
  const counts: number[] = [];
  const stepMs: number[] = [];
  try {
    for (let s = 0; s < o.steps; s++) {
      const t0 = o.now?.() ?? 0;
      const { xs, ys } = batchTensors(ds, schedule.next());
      const loss = optimizer.minimize(() => lossFn(ys, net.apply(xs, { training: true }) as Tensor), true);
      tf.dispose([xs, ys]);
      losses.push(loss ? (await loss.data())[0]! : Number.NaN);
      loss?.dispose();
      stepMs.push((o.now?.() ?? 0) - t0);
      counts.push(tf.memory().numTensors);
    }
  } finally {
    optimizer.dispose();
    net.dispose();
  }
  return { losses, counts, stepMs };
}
