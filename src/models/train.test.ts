import { beforeAll, describe, expect, it } from 'vitest';
import { dataSchema, modelSchema } from '../config/schema.js';
import { createBatchSchedule } from '../data/batches.js';
import { batchTensors } from '../data/dataset.js';
import { splitDataset } from '../data/split.js';
import { makeSyntheticData } from '../data/synthetic.js';
import { createRng } from '../runtime/rng.js';
import { tf, type Tensor } from '../runtime/tf.js';
import { buildModel } from './build.js';
import { lossFor } from './loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Trains `steps` Adam steps and returns the per-step losses and the tensor count after each step. */
async function train(dataInput: unknown, modelInput: unknown, steps: number, lr: number) {
  const rng = createRng(123);
  const data = dataSchema.parse(dataInput);
  const { train: ds } = splitDataset(makeSyntheticData(data, rng.fork('data')), data.valFraction);
  const model = buildModel(modelSchema.parse(modelInput), ds, rng.fork('model'));
  const schedule = createBatchSchedule({ trainSize: ds.samples, batchSize: data.batchSize, shuffle: true }, rng.fork('batches'));
  const lossFn = lossFor(ds.task);
  const optimizer = tf.train.adam(lr);
  const losses: number[] = [];
  const counts: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { xs, ys } = batchTensors(ds, schedule.next());
    const loss = optimizer.minimize(() => lossFn(ys, model.apply(xs, { training: true }) as Tensor), true)!;
    losses.push((await loss.data())[0]!);
    tf.dispose([xs, ys, loss]);
    counts.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  model.dispose();
  return { losses, counts };
}

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

describe('built-in models train on the synthetic tasks', () => {
  it.each([
    { name: 'mlp on regression', data: { kind: 'regression', samples: 512, batchSize: 32 }, model: { kind: 'mlp', hidden: [32, 32] } },
    { name: 'mlp on classification', data: { kind: 'classification', samples: 512, batchSize: 32 }, model: { kind: 'mlp', hidden: [32] } },
    { name: 'rnn on adding', data: { kind: 'adding', samples: 512, seqLength: 10, batchSize: 32 }, model: { kind: 'rnn', units: 16 } },
    { name: 'mlp on adding', data: { kind: 'adding', samples: 512, seqLength: 10, batchSize: 32 }, model: { kind: 'mlp', hidden: [32] } },
  ])('$name: the loss falls over 40 Adam steps and the tensor count stays flat', async ({ data, model }) => {
    const { losses, counts } = await train(data, model, 40, 0.01);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    // Adam creates its slot variables on the first step; after that nothing may accumulate.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});
