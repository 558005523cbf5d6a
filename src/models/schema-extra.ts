/**
 * Zod schemas of the built-in architectures beyond mlp and rnn: lstm, gru and cnn. They
 * live here until `config/schema.ts` adds them to `modelSchema`'s discriminated union
 * (`z.discriminatedUnion('kind', [mlpModelSchema, rnnModelSchema, ...extraModelSchemas])`).
 * Same conventions: strict objects, positive integers, initialisers with defaults.
 */
import { z } from 'zod';
import { initSchema, mlpModelSchema } from '../config/schema.js';

const positiveInt = () => z.number().int().positive();
// Reuse the activation enum of config/schema.ts: one place for the list.
const activation = mlpModelSchema.shape.activation.unwrap();

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

/** The extra members to append to `modelSchema`'s union. */
export const extraModelSchemas = [lstmModelSchema, gruModelSchema, cnnModelSchema] as const;

export type LstmModelConfig = z.infer<typeof lstmModelSchema>;
export type GruModelConfig = z.infer<typeof gruModelSchema>;
export type CnnModelConfig = z.infer<typeof cnnModelSchema>;
/** A resolved lstm, gru or cnn model config. */
export type ExtraModelConfig = LstmModelConfig | GruModelConfig | CnnModelConfig;
