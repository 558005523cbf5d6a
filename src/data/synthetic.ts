/**
 * Synthetic tasks generated in plain JS from the seeded PRNG, so the same seed gives the
 * same bytes on every backend: a teacher regression, Gaussian-cluster classification and
 * the adding problem for recurrent nets.
 */
import type { DataConfig } from '../config/schema.js';
import { makeImages } from './images.js';
import type { Rng } from '../runtime/rng.js';
import type { HostDataset } from './dataset.js';

/** Hidden units of the regression teacher's tanh term. */
const TEACHER_HIDDEN = 8;
/** Weight of the teacher's tanh term relative to its linear term. */
const TEACHER_NONLINEAR = 0.5;
/** Per-dimension std of cluster centres is CLUSTER_SPREAD / sqrt(features). */
const CLUSTER_SPREAD = 2.5;

function featureNames(features: number): string[] {
  return Array.from({ length: features }, (_, j) => `x${j}`);
}

function gaussian(n: number, std: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = std * rng.normal();
  return out;
}

function unit(v: Float64Array): Float64Array {
  const norm = Math.sqrt(v.reduce((s, e) => s + e * e, 0));
  return v.map((e) => e / norm);
}

/**
 * Teacher regression: x ~ N(0, I_d) and
 * y = w·x + 0.5 · a·tanh(Vᵀx) + noise · ε, with w a uniformly random unit vector (so
 * Var(w·x) = 1 exactly), V ~ N(0, 1/d) (d × 8), a ~ N(0, 1/8), ε ~ N(0, 1).
 * The teacher comes from the fork 'teacher', inputs from 'inputs', noise from 'noise', so
 * the first n samples are the same whatever `samples` is.
 */
function makeRegression(samples: number, d: number, noise: number, rng: Rng): HostDataset {
  const teacher = rng.fork('teacher');
  const w = unit(gaussian(d, 1, teacher));
  const v = gaussian(d * TEACHER_HIDDEN, 1 / Math.sqrt(d), teacher);
  const a = gaussian(TEACHER_HIDDEN, 1 / Math.sqrt(TEACHER_HIDDEN), teacher);
  const inputs = rng.fork('inputs');
  const noiseRng = rng.fork('noise');
  const x = new Float32Array(samples * d);
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const row = gaussian(d, 1, inputs);
    x.set(row, s * d);
    let target = 0;
    for (let j = 0; j < d; j++) target += w[j]! * row[j]!;
    for (let h = 0; h < TEACHER_HIDDEN; h++) {
      let pre = 0;
      for (let j = 0; j < d; j++) pre += v[j * TEACHER_HIDDEN + h]! * row[j]!;
      target += TEACHER_NONLINEAR * a[h]! * Math.tanh(pre);
    }
    y[s] = target + noise * noiseRng.normal();
  }
  return { task: 'regression', x, y, inputShape: [d], outputDim: 1, samples, featureNames: featureNames(d) };
}

/**
 * Gaussian clusters: `classes` centres c_k ~ N(0, (2.5/√d)² I), a label drawn uniformly
 * per sample, x = c_label + N(0, I). Two centres are then about 2.5·√2 ≈ 3.5 apart, so
 * the classes overlap a little (the Bayes error is small but not zero). y is one-hot.
 */
function makeClassification(samples: number, d: number, classes: number, rng: Rng): HostDataset {
  const centres = gaussian(classes * d, CLUSTER_SPREAD / Math.sqrt(d), rng.fork('teacher'));
  const labels = rng.fork('labels');
  const inputs = rng.fork('inputs');
  const x = new Float32Array(samples * d);
  const y = new Float32Array(samples * classes);
  for (let s = 0; s < samples; s++) {
    const k = labels.int(classes);
    y[s * classes + k] = 1;
    for (let j = 0; j < d; j++) x[s * d + j] = centres[k * d + j]! + inputs.normal();
  }
  return { task: 'classification', x, y, inputShape: [d], outputDim: classes, samples, featureNames: featureNames(d) };
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, §5 experiment 4; Le et al. 2015,
 * https://arxiv.org/abs/1504.00941). Each sample is T × 2: channel 0 is uniform [0, 1),
 * channel 1 is 1 at exactly two positions, one drawn uniformly from [0, ⌊T/2⌋) and one
 * from [⌊T/2⌋, T), and 0 elsewhere. Target = sum of the two marked values, in [0, 2).
 * Predicting the mean (1) gives MSE ≈ 1/6; a net that solves it goes far below that.
 */
function makeAdding(samples: number, seqLength: number, rng: Rng): HostDataset {
  const values = rng.fork('values');
  const markers = rng.fork('markers');
  const half = Math.floor(seqLength / 2);
  const stride = seqLength * 2;
  const x = new Float32Array(samples * stride);
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const base = s * stride;
    for (let t = 0; t < seqLength; t++) x[base + 2 * t] = values.uniform();
    const first = markers.int(half);
    const second = half + markers.int(seqLength - half);
    x[base + 2 * first + 1] = 1;
    x[base + 2 * second + 1] = 1;
    y[s] = x[base + 2 * first]! + x[base + 2 * second]!;
  }
  return { task: 'regression', x, y, inputShape: [seqLength, 2], outputDim: 1, samples };
}

/** The data kinds generated in memory (every kind but `file`). */
export type SyntheticDataConfig = Exclude<DataConfig, { kind: 'file' }>;

/**
 * Generates the synthetic dataset described by `config` from `rng` (plain JS, no tensors).
 * Same config and seed give bit-identical arrays on every backend and platform; `rng` is
 * only forked, never advanced. Batching fields of the config (batchSize, valFraction,
 * shuffle) are not used here.
 *
 * @example
 * const ds = makeSyntheticData(dataSchema.parse({ kind: 'adding', samples: 8, seqLength: 10 }), createRng(1));
 * // ds.inputShape → [10, 2], ds.outputDim → 1, ds.x.length → 160
 */
export function makeSyntheticData(config: SyntheticDataConfig, rng: Rng): HostDataset {
  const r = rng.fork(`synthetic:${config.kind}`);
  switch (config.kind) {
    case 'regression':
      return makeRegression(config.samples, config.features, config.noise, r);
    case 'classification':
      return makeClassification(config.samples, config.features, config.classes, r);
    case 'adding':
      return makeAdding(config.samples, config.seqLength, r);
    case 'images':
      return makeImages(config, r);
  }
}
