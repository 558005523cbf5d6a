/**
 * Builds a RunPlan from a resolved config: synthetic data split in host memory, a seeded
 * model, the optimizer, layer groups and a pure batch function. Randomness is forked from
 * the run seed by label, so data, weights and batch order are independent streams and
 * every sweep point with the same seed sees the same initial weights and batches.
 */
import { batchTensors } from '../data/dataset.js';
import { createBatchSchedule, epochStepCount, type BatchPlan } from '../data/batches.js';
import { splitDataset, valCount } from '../data/split.js';
import { makeSyntheticData } from '../data/synthetic.js';
import { buildModel, layerGroups } from '../models/build.js';
import { lossFor } from '../models/loss.js';
import { createRng } from '../runtime/rng.js';
import type { RunConfig } from '../config/schema.js';
import type { Variable } from '../runtime/tf.js';
import type { RunPlan } from './plan.js';
import { createOptimizer } from './optimizer.js';

/** Total optimizer steps: `epochs × batches per epoch` when epochs is set, else `steps`. */
export function totalSteps(train: RunConfig['train'], batches: BatchPlan): number {
  return train.epochs !== undefined ? train.epochs * epochStepCount(batches) : train.steps;
}

/** Steps a config will run, known before any data is made (for progress displays). */
export function plannedSteps(config: RunConfig): number {
  const trainSize = config.data.samples - valCount(config.data.samples, config.data.valFraction);
  return totalSteps(config.train, { trainSize, batchSize: config.data.batchSize, shuffle: config.data.shuffle });
}

/** Makes the plan; the caller must `dispose()` it. */
export function buildPlan(config: RunConfig): RunPlan {
  const rng = createRng(config.seed);
  const { train, val } = splitDataset(makeSyntheticData(config.data, rng.fork('data')), config.data.valFraction);
  const model = buildModel(config.model, { inputShape: [...train.inputShape], outputDim: train.outputDim }, rng.fork('init'));
  const groups = layerGroups(model);
  const vars = model.trainableWeights.map((w) => w.read() as Variable);
  const batches: BatchPlan = { trainSize: train.samples, batchSize: config.data.batchSize, shuffle: config.data.shuffle };
  const schedule = createBatchSchedule(batches, rng.fork('batches'));
  const optimizer = createOptimizer(config.train);
  const valTensors = val.samples > 0 && config.train.evalEvery > 0 ? batchTensors(val, range(val.samples)) : null;
  return {
    model,
    vars,
    varNames: groups.weightNames,
    layerNames: groups.names,
    groups: groups.names.map((_, layer) => groups.varLayer.flatMap((l, i) => (l === layer ? [i] : []))),
    optimizer,
    loss: lossFor(train.task),
    batch: (step) => batchTensors(train, schedule.at(step)),
    val: valTensors,
    totalSteps: totalSteps(config.train, batches),
    lr: config.train.lr,
    dispose() {
      valTensors?.xs.dispose();
      valTensors?.ys.dispose();
      optimizer.dispose();
      model.dispose();
    },
  };
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
