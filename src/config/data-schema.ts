/**
 * Zod schemas of the `data:` block: the synthetic tasks and a CSV/JSON data file, one
 * variant per `kind`.
 */
import { z } from 'zod';
import { flag } from './flag-meta.js';

const positiveInt = () => z.number().int().positive();

/** Fields every data source shares: batching and the validation split. */
const dataCommon = {
  batchSize: positiveInt().default(64).meta(flag('--batch-size', 'batch size')),
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
  features: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .meta(flag('--features', 'feature columns of the data file in the model\'s input order, comma-separated; default: every column but the target', { arg: 'cols' })),
  target: z.string().min(1).optional().meta(flag('--target', 'target column of the data file (required for CSV and JSON arrays of objects)', { arg: 'col' })),
  task: z
    .enum(['auto', 'regression', 'classification'])
    .default('auto')
    .meta(flag('--task', 'task of a data file; auto: classification when the loss is a cross-entropy or the target is not numeric', { arg: 'task' })),
  normalize: z.boolean().default(false).meta(flag('--normalize', 'standardise features (and a regression target) with training-split mean and std')),
  /** A file of rows to leave out (CSV line numbers or JSON record indices), such as a run's bad-rows.txt. */
  skipRows: z
    .string()
    .min(1)
    .optional()
    .meta(flag('--skip-rows', "leave out the data file's rows listed in this file: CSV line numbers or JSON record indices, one per line (a run's bad-rows.txt)", { arg: 'file' })),
});

/** The `data:` block, one variant per `kind`; `--data` takes a kind or a data file path. */
export const dataSchema = z
  .discriminatedUnion('kind', [regressionDataSchema, classificationDataSchema, addingDataSchema, imagesDataSchema, fileDataSchema])
  .meta(
    flag('--data', 'synthetic task, or the path of a CSV/JSON data file', {
      arg: 'kind|file',
      path: { pattern: String.raw`[\\/]|\.(csv|tsv|json)$`, kind: 'file', key: 'path' },
    }),
  );
export type FileDataConfig = z.infer<typeof fileDataSchema>;
export type ImagesDataConfig = z.infer<typeof imagesDataSchema>;
export type DataConfig = z.infer<typeof dataSchema>;
