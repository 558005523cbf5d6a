/**
 * Builds a RunPlan from a resolved config: data (synthetic, or a CSV/JSON file) split in
 * host memory, a model (built-in and seeded, or a model.json from disk), the loss, the
 * optimizer, layer groups and a pure batch function. Randomness is forked from the run
 * seed by label, so data, weights, split and batch order are independent streams and
 * every sweep point with the same seed sees the same initial weights and batches.
 */
import { resolve } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { batchTensors, type HostDataset, type SampleOrigin, type Task } from '../data/dataset.js';
import { createBatchSchedule, epochStepCount, type BatchPlan } from '../data/batches.js';
import { loadFileData } from '../data/file-data.js';
import { applyNormalization, fitNormalization, type Normalization } from '../data/normalize.js';
import { diagnoseInputScale, type ScaleHint } from '../data/scale.js';
import { splitDataset, valCount, type SplitDataset } from '../data/split.js';
import { makeSyntheticData } from '../data/synthetic.js';
import { internalError } from '../errors.js';
import { READ_LIMITS } from '../guard/limits.js';
import { buildModel, layerGroups } from '../models/build.js';
import { nodeFileReader, type FileReader } from '../models/files.js';
import { fitDataToModel, toBinaryTarget } from '../models/fit.js';
import { defaultLoss, lossByName, type LossName, type OutputKind } from '../models/loss.js';
import { loadModelJson, type LoadedModel } from '../models/model-json.js';
import { createRng, type Rng } from '../runtime/rng.js';
import type { LayersModel, Variable } from '../runtime/tf.js';
import type { RunPlan } from './plan.js';
import { createOptimizer } from './optimizer.js';
import { createBatchNamer } from './blame.js';

/** Total optimizer steps: `epochs × batches per epoch` when epochs is set, else `steps`. */
export function totalSteps(train: RunConfig['train'], batches: BatchPlan): number {
  return train.epochs !== undefined ? train.epochs * epochStepCount(batches) : train.steps;
}

/**
 * Steps a config will run, for progress displays. Known before any data is made for
 * synthetic data; for a data file with `train.epochs` pass the file's row count as
 * `samples` (or read `plan.totalSteps`); without it `train.steps` is returned.
 */
export function plannedSteps(config: RunConfig, samples?: number): number {
  const n = config.data.kind === 'file' ? samples : config.data.samples;
  if (n === undefined) return config.train.steps;
  const trainSize = n - valCount(n, config.data.valFraction);
  return totalSteps(config.train, { trainSize, batchSize: config.data.batchSize, shuffle: config.data.shuffle });
}

/** A RunPlan plus what the run summary and the run directory need from setup. */
export interface LoadedPlan extends RunPlan {
  readonly task: Task;
  readonly lossName: LossName;
  /** The loss is the model.json's (`train.loss: auto` and its training config names one). */
  readonly lossFromModel: boolean;
  /** Where the model came from: a built-in kind, or the layout of the loaded model.json. */
  readonly modelSource: 'builtin' | 'keras' | 'tfjs';
  /** Training/validation rows. */
  readonly samples: { readonly train: number; readonly val: number };
  /** Statistics applied by `data.normalize` (write them to the run directory), or null. */
  readonly normalization: Normalization | null;
  /** Input-scale findings on the raw training split, for the summary; [] when fine. */
  readonly scaleHints: readonly ScaleHint[];
  /** Facts about the data worth a line in the summary (columns left out, ...). */
  readonly dataNotes: readonly string[];
  /** Where the training split's samples came from (data files only; see `SampleOrigin`). */
  readonly origin?: SampleOrigin;
}

/** Where files come from: the reader (default the local file system) and the directory relative paths start from. */
export interface PlanIO {
  readonly read?: FileReader;
  readonly cwd?: string;
}

const CROSS_ENTROPY: readonly LossName[] = ['binary-crossentropy', 'categorical-crossentropy'];

function taskOfLoss(loss: LossName | null): Task | null {
  if (loss === null) return null;
  return CROSS_ENTROPY.includes(loss) ? 'classification' : 'regression';
}

async function loadData(config: RunConfig, read: FileReader, loss: LossName | null): Promise<HostDataset> {
  if (config.data.kind !== 'file') return makeSyntheticData(config.data, createRng(config.seed).fork('data'));
  return loadFileData(config.data, (path) => read.text(path, READ_LIMITS.data), taskOfLoss(loss));
}

interface Prepared {
  readonly split: SplitDataset;
  readonly normalization: Normalization | null;
  readonly scaleHints: ScaleHint[];
}

function prepare(config: RunConfig, ds: HostDataset, rng: Rng): Prepared {
  if (config.data.kind !== 'file') return { split: splitDataset(ds, config.data.valFraction), normalization: null, scaleHints: [] };
  // Files may be sorted (by date, by class): permute before splitting.
  const raw = splitDataset(ds, config.data.valFraction, rng.fork('split'));
  const target = config.data.target ?? 'y';
  const scaleHints = diagnoseInputScale(raw.train, { normalized: config.data.normalize, targetName: target });
  if (!config.data.normalize) return { split: raw, normalization: null, scaleHints };
  const normalization = fitNormalization(raw.train, [target]);
  return { split: { train: applyNormalization(raw.train, normalization), val: applyNormalization(raw.val, normalization) }, normalization, scaleHints };
}

function chooseLoss(config: RunConfig, loaded: LoadedModel | null, task: Task): LossName {
  if (config.train.loss !== 'auto') return config.train.loss;
  return loaded?.trainingLoss ?? defaultLoss(task);
}

/** The model and the split shaped for it: a built-in model is built for the data, data is fitted to a loaded model. */
function modelFor(config: RunConfig, loaded: LoadedModel | null, split: SplitDataset, loss: LossName, rng: Rng): { model: LayersModel; split: SplitDataset; output: OutputKind } {
  if (loaded) {
    const shape = { inputShape: loaded.inputShape, outputDim: loaded.outputDim, file: config.model.kind === 'file' ? config.model.path : '' };
    return { model: loaded.model, split: { train: fitDataToModel(split.train, shape, loss), val: fitDataToModel(split.val, shape, loss) }, output: loaded.output };
  }
  if (config.model.kind === 'file') throw internalError('model_not_loaded', 'a file model reached modelFor without being loaded');
  const fitted = loss === 'binary-crossentropy' ? { train: toBinaryTarget(split.train), val: toBinaryTarget(split.val) } : split;
  const model = buildModel(config.model, { inputShape: [...fitted.train.inputShape], outputDim: fitted.train.outputDim }, rng.fork('init'));
  return { model, split: fitted, output: 'logits' };
}

/**
 * Makes the plan of any config: loads the model.json and the data file when the config
 * names them (through `io.read`, paths relative to `io.cwd`), else generates and builds.
 * The caller must `dispose()` the plan. Bad files throw exit-2 GclipErrors naming file
 * and line/field; a loaded model is disposed if the data then turns out not to fit it.
 *
 * Order of decisions: the model is loaded first (its training config may name the loss);
 * the loss is `train.loss`, else the model's, else the task's default; the task is
 * `data.task`, else the loss's, else whether the target is numeric.
 */
export async function loadPlan(config: RunConfig, io: PlanIO = {}): Promise<LoadedPlan> {
  const read = rooted(io.read ?? nodeFileReader, io.cwd ?? process.cwd());
  const rng = createRng(config.seed);
  const loaded = config.model.kind === 'file' ? await loadModelJson(config.model.path, read) : null;
  try {
    const preferred = config.train.loss !== 'auto' ? config.train.loss : (loaded?.trainingLoss ?? null);
    const ds = await loadData(config, read, preferred);
    const { split, normalization, scaleHints } = prepare(config, ds, rng);
    const lossName = chooseLoss(config, loaded, ds.task);
    const built = modelFor(config, loaded, split, lossName, rng);
    const plan = assemble(config, built.model, built.split, lossByName(lossName, built.output), rng);
    const { origin } = built.split.train;
    return {
      ...plan,
      task: ds.task,
      lossName,
      lossFromModel: config.train.loss === 'auto' && loaded?.trainingLoss === lossName,
      modelSource: loaded?.layout ?? 'builtin',
      samples: { train: built.split.train.samples, val: built.split.val.samples },
      normalization,
      scaleHints,
      dataNotes: [...taskNote(config, ds, lossName), ...dataNotes(ds)],
      ...(origin ? { origin } : {}),
    };
  } catch (e) {
    loaded?.model.dispose();
    throw e;
  }
}

/** Paths are shown in messages as the user gave them; reading resolves them against `cwd`. */
function rooted(read: FileReader, cwd: string): FileReader {
  return { text: (p, limit) => read.text(resolve(cwd, p), limit), bytes: (p, limit) => read.bytes(resolve(cwd, p), limit), facts: (p) => read.facts(resolve(cwd, p)) };
}

/** The variable indices of each layer, in one pass (a 3,000-layer model took seconds done per layer). */
function varsByLayer(layers: number, varLayer: readonly number[]): number[][] {
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  varLayer.forEach((layer, i) => byLayer[layer]?.push(i));
  return byLayer;
}

function assemble(config: RunConfig, model: LayersModel, split: SplitDataset, loss: RunPlan['loss'], rng: Rng): RunPlan {
  const { train, val } = split;
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
    groups: varsByLayer(groups.names.length, groups.varLayer),
    optimizer,
    loss,
    batch: (step) => batchTensors(train, schedule.at(step)),
    nameBatch: createBatchNamer(schedule, train.origin),
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

/**
 * The plan of a config with synthetic data and a built-in model, built synchronously.
 * Kept for callers that cannot await; {@link loadPlan} handles every config. Throws an
 * internal error for `model.kind: file` or `data.kind: file`.
 */
/** A data file whose target decided the task (`data.task: auto`, no cross-entropy asked for) says that it trained a classifier. */
function taskNote(config: RunConfig, ds: HostDataset, loss: LossName): string[] {
  if (config.data.kind !== 'file' || config.data.task !== 'auto' || ds.task !== 'classification' || config.train.loss !== 'auto') return [];
  const classes = ds.classNames?.length ?? ds.outputDim;
  return [`the target \`${config.data.target ?? 'y'}\` is text, so gclip trained a classifier over its ${classes} classes (${loss}); name a numeric --target for regression, or pass --task classification to make this explicit`];
}

function dataNotes(ds: HostDataset): string[] {
  const notes: string[] = [];
  const columns = ds.droppedColumns ?? [];
  if (columns.length) notes.push(`non-numeric column${columns.length > 1 ? 's' : ''} ${columns.map((c) => `\`${c}\``).join(', ')} left out of the features; name the features with --features to choose them yourself`);
  const rows = ds.droppedRows;
  if (rows) {
    const where = Object.entries(rows.byColumn).map(([c, n]) => `\`${c}\` ${n}`).join(', ');
    notes.push(`${rows.rows} row${rows.rows > 1 ? 's' : ''} with missing values left out (${where}); fill them in the file to use those rows`);
  }
  return notes;
}

export function buildPlan(config: RunConfig): RunPlan {
  if (config.model.kind === 'file' || config.data.kind === 'file') {
    throw internalError('plan_needs_files', 'this config reads files: build its plan with `await loadPlan(config, { cwd })`');
  }
  const rng = createRng(config.seed);
  const ds = makeSyntheticData(config.data, rng.fork('data'));
  const split = splitDataset(ds, config.data.valFraction);
  const loss = chooseLoss(config, null, ds.task);
  const built = modelFor(config, null, split, loss, rng);
  return assemble(config, built.model, built.split, lossByName(loss), rng);
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
