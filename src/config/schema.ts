/**
 * Zod schemas: the single source of truth for the run configuration, its defaults and
 * the types of the flags that override it. Objects are strict (unknown keys are errors,
 * rendered with a did-you-mean hint by `config/load`), numbers are finite (zod 4 rejects
 * NaN and ±Infinity), thresholds are positive.
 */
import { z } from 'zod';
import { RUN_NAME_PATTERN, RUN_NAME_RULE } from '../guard/out-path.js';
import { checkSchema } from './check-schema.js';
import { clipSchema } from './clip-schema.js';

export { clipSchema, normTypeSchema, type ClipConfig, type NormType } from './clip-schema.js';

const positive = () => z.number().positive();
const positiveInt = () => z.number().int().positive();


/** Weight initialiser: the distribution and a multiplier on its standard scale. */
export const initSchema = z.strictObject({
  kind: z.enum(['glorot-uniform', 'glorot-normal', 'he-normal', 'normal', 'uniform', 'orthogonal']),
  /** Multiplies the initialiser's usual scale (Glorot/He) or is the std/limit itself (normal/uniform). */
  scale: positive().default(1),
});
export type InitConfig = z.infer<typeof initSchema>;

const activation = z.enum(['tanh', 'relu', 'sigmoid', 'linear', 'elu']);

export const mlpModelSchema = z.strictObject({
  kind: z.literal('mlp'),
  hidden: z.array(positiveInt()).min(1).default([64, 64]),
  activation: activation.default('relu'),
  init: initSchema.prefault({ kind: 'glorot-uniform' }),
});

export const rnnModelSchema = z.strictObject({
  kind: z.literal('rnn'),
  units: positiveInt().default(32),
  activation: activation.default('tanh'),
  init: initSchema.prefault({ kind: 'glorot-uniform' }),
  recurrentInit: initSchema.prefault({ kind: 'orthogonal' }),
});

/** Shared by lstm and gru: a recurrent layer of `units`, last state only, then a linear head. */
const gatedFields = {
  units: positiveInt().default(32),
  init: initSchema.prefault({ kind: 'glorot-uniform' }),
  recurrentInit: initSchema.prefault({ kind: 'orthogonal' }),
};

/** LSTM (Hochreiter & Schmidhuber 1997): tanh cell, sigmoid gates, forget-gate bias 1. */
export const lstmModelSchema = z.strictObject({ kind: z.literal('lstm'), ...gatedFields });

/** GRU (Cho et al. 2014), tfjs variant (reset gate before the recurrent matmul). */
export const gruModelSchema = z.strictObject({ kind: z.literal('gru'), ...gatedFields });

/**
 * A small conv net: for each entry of `filters`, a convolution (`kernelSize`, stride 1,
 * 'same' padding, `activation`) followed by max pooling (`pool`, skipped once a spatial
 * dimension is smaller than `pool`); then flatten, `dense` hidden layers and a linear
 * head. 1-D convolutions for inputs [steps, channels] (and [features], read as
 * [features, 1]); 2-D for images [height, width, channels].
 */
export const cnnModelSchema = z.strictObject({
  kind: z.literal('cnn'),
  filters: z.array(positiveInt()).min(1).default([8, 16]),
  kernelSize: positiveInt().default(3),
  pool: z.number().int().min(2).default(2),
  dense: z.array(positiveInt()).default([32]),
  activation: activation.default('relu'),
  init: initSchema.prefault({ kind: 'he-normal' }),
});

/**
 * A TensorFlow.js LayersModel from disk: `model.json` (tfjs `model.save()` or the
 * converter's Keras layout) and the weight shards its manifest names, beside it. Trained
 * as loaded: its own weights, its own frozen layers (`trainable: false`) stay frozen.
 */
export const fileModelSchema = z.strictObject({
  kind: z.literal('file'),
  /** Path of `model.json`, relative to the working directory. */
  path: z.string().min(1),
});

export const modelSchema = z.discriminatedUnion('kind', [
  mlpModelSchema,
  rnnModelSchema,
  lstmModelSchema,
  gruModelSchema,
  cnnModelSchema,
  fileModelSchema,
]);
export type FileModelConfig = z.infer<typeof fileModelSchema>;
export type LstmModelConfig = z.infer<typeof lstmModelSchema>;
export type GruModelConfig = z.infer<typeof gruModelSchema>;
export type CnnModelConfig = z.infer<typeof cnnModelSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;

/** Fields every data source shares: batching and the validation split. */
const dataCommon = {
  batchSize: positiveInt().default(64),
  /** Fraction of samples held out for validation (taken before shuffling batches). */
  valFraction: z.number().min(0).max(0.9).default(0.1),
  shuffle: z.boolean().default(true),
};

export const regressionDataSchema = z.strictObject({
  kind: z.literal('regression'),
  ...dataCommon,
  samples: positiveInt().default(2048),
  features: positiveInt().default(16),
  noise: z.number().min(0).default(0.1),
});

export const classificationDataSchema = z.strictObject({
  kind: z.literal('classification'),
  ...dataCommon,
  samples: positiveInt().default(2048),
  features: positiveInt().default(16),
  classes: z.number().int().min(2).default(3),
});

/** Hochreiter & Schmidhuber's adding problem: two marked positions, target = their sum. */
export const addingDataSchema = z.strictObject({
  kind: z.literal('adding'),
  ...dataCommon,
  samples: positiveInt().default(2048),
  seqLength: z.number().int().min(2).default(20),
});

/**
 * Synthetic images for conv nets: `size`×`size`×1 pixels of N(0, noise²) plus one bar of
 * ones, 2·⌊size/4⌋+1 long, at a random position; its orientation is the class
 * (horizontal, vertical, diagonal, anti-diagonal; the first `classes` of them).
 */
export const imagesDataSchema = z.strictObject({
  kind: z.literal('images'),
  ...dataCommon,
  samples: positiveInt().default(1024),
  size: z.number().int().min(5).default(16),
  classes: z.number().int().min(2).max(4).default(4),
  noise: z.number().min(0).default(0.3),
});

/**
 * A data file: CSV (header row, then one sample per row) or JSON (an array of objects, or
 * `{ "x": [[...], ...], "y": [...] }`), chosen by the `.json` extension.
 */
export const fileDataSchema = z.strictObject({
  kind: z.literal('file'),
  ...dataCommon,
  /** Path of the file, relative to the working directory. */
  path: z.string().min(1),
  /** Feature columns, in the model's input order; default every column but the target. */
  features: z.array(z.string().min(1)).min(1).optional(),
  /** Target column (required for CSV and for JSON arrays of objects). */
  target: z.string().min(1).optional(),
  /** `auto`: classification when the loss is a cross-entropy or the target is not numeric. */
  task: z.enum(['auto', 'regression', 'classification']).default('auto'),
  /** Standardise features (and a regression target) with training-split mean and std. */
  normalize: z.boolean().default(false),
});

export const dataSchema = z.discriminatedUnion('kind', [
  regressionDataSchema,
  classificationDataSchema,
  addingDataSchema,
  imagesDataSchema,
  fileDataSchema,
]);
export type FileDataConfig = z.infer<typeof fileDataSchema>;
export type ImagesDataConfig = z.infer<typeof imagesDataSchema>;
export type DataConfig = z.infer<typeof dataSchema>;

export const optimizerSchema = z.enum(['sgd', 'momentum', 'adam', 'rmsprop']);

export const trainSchema = z.strictObject({
  /** Number of optimizer steps. Ignored when `epochs` is set. */
  steps: positiveInt().default(200),
  /** Whole passes over the training split; when set, overrides `steps`. */
  epochs: positiveInt().optional(),
  optimizer: optimizerSchema.default('adam'),
  lr: positive().default(0.001),
  /** Momentum for `momentum` and `rmsprop`. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** Evaluate the validation loss every N steps (0 = never). */
  evalEvery: z.number().int().min(0).default(0),
  /**
   * `auto`: the model.json's `training_config.loss` when present, else mse for regression
   * and categorical cross-entropy for classification.
   */
  loss: z.enum(['auto', 'mse', 'mae', 'huber', 'binary-crossentropy', 'categorical-crossentropy']).default('auto'),
});

export const actionSchema = z.enum(['halt', 'skip', 'warn']);
export type Action = z.infer<typeof actionSchema>;

export const detectSchema = z.strictObject({
  /** NaN/Inf in loss, gradient norm or weights. */
  nonfinite: z.strictObject({ action: actionSchema.default('halt') }).prefault({}),
  /** Pre-clip norm far above its recent history (robust z-score over a rolling window). */
  spike: z
    .strictObject({
      enabled: z.boolean().default(true),
      window: z.number().int().min(5).default(50),
      warmup: z.number().int().min(3).default(20),
      /** Robust z-score (median/MAD) above which a step is a spike. */
      zThreshold: positive().default(10),
      /** ...and the norm must also exceed this multiple of the rolling median. */
      minRatio: positive().default(3),
      action: actionSchema.default('warn'),
    })
    .prefault({}),
  /** Loss far above the best seen so far. */
  divergence: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Diverged when loss > factor × best loss (and above the first loss). */
      factor: z.number().gt(1).default(10),
      warmup: z.number().int().min(0).default(10),
      /** Consecutive diverged steps needed before the event fires. */
      patience: positiveInt().default(5),
      action: actionSchema.default('halt'),
    })
    .prefault({}),
  /** Budgets for `skip`: beyond them the run halts. */
  skip: z
    .strictObject({
      maxConsecutive: positiveInt().default(5),
      maxTotal: positiveInt().default(50),
    })
    .prefault({}),
});
export type DetectConfig = z.infer<typeof detectSchema>;

export const logSchema = z.strictObject({
  /** Run directory; default runs/<timestamp>-<name>. */
  out: z.string().min(1).optional(),
  /** Progress line every N steps when stderr is not a TTY. */
  every: positiveInt().default(25),
  /** Also write TensorBoard event files into this directory (`--tensorboard DIR`). */
  tensorboard: z.string().min(1).optional(),
  /** Gradient histograms per layer every N steps in the TensorBoard files. */
  histogramEvery: positiveInt().default(100),
});

export const backendSchema = z.enum(['auto', 'node', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof backendSchema>;

export const runConfigSchema = z.strictObject({
  /** Free-form run name, used in the default run directory. */
  name: z.string().regex(RUN_NAME_PATTERN, `expected ${RUN_NAME_RULE}`).describe(RUN_NAME_RULE).default('run'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
  backend: backendSchema.default('auto'),
  model: modelSchema.prefault({ kind: 'mlp' }),
  data: dataSchema.prefault({ kind: 'regression' }),
  train: trainSchema.prefault({}),
  clip: clipSchema.prefault({ kind: 'none' }),
  detect: detectSchema.prefault({}),
  log: logSchema.prefault({}),
  /** Stability criteria `gclip check` judges the run (or a log) against. */
  check: checkSchema.prefault({}),
});

/** The fully resolved configuration of one run (defaults ← file ← flags). */
export type RunConfig = z.infer<typeof runConfigSchema>;
/** What a config file may contain before defaults are applied. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
