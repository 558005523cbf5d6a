/**
 * Zod schemas of the `model:` block: the built-in architectures and a tfjs model.json
 * from disk, one variant per `kind`.
 */
import { z } from 'zod';
import { flag } from './flag-meta.js';

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

/** The `model:` block, one variant per `kind`; `--model` takes a kind or a model.json path. */
export const modelSchema = z
  .discriminatedUnion('kind', [mlpModelSchema, rnnModelSchema, lstmModelSchema, gruModelSchema, cnnModelSchema, fileModelSchema])
  .meta(
    flag('--model', 'built-in model, or the path of a tfjs model.json', {
      arg: 'kind|path',
      path: { pattern: String.raw`[\\/]|\.json$`, kind: 'file', key: 'path' },
    }),
  );
export type FileModelConfig = z.infer<typeof fileModelSchema>;
export type LstmModelConfig = z.infer<typeof lstmModelSchema>;
export type GruModelConfig = z.infer<typeof gruModelSchema>;
export type CnnModelConfig = z.infer<typeof cnnModelSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
