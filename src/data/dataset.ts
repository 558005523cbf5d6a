/**
 * The host-side dataset every data source produces (synthetic tasks, CSV/JSON loaders) and
 * the helpers that slice it. Plain typed arrays, never tensors, so a dataset is identical on
 * every backend and costs no tensor memory until a batch is made.
 */
import { tf, type Tensor } from '../runtime/tf.js';

/** The two kinds of supervision; it decides the loss (`models/loss.ts`). */
export type Task = 'regression' | 'classification';

/**
 * Where each sample of a data file came from, kept through skipping, splitting and
 * fitting so a bad batch can name its rows. `unit` says what the numbers in `at` are:
 * `line`, the CSV line a record starts on (1-based, the header is line 1, as an editor
 * numbers them); `record`, the 0-based index of a JSON record (the i of `[i]` or `x[i]`).
 */
export interface SampleOrigin {
  /** The data file, as the config names it. */
  readonly file: string;
  readonly unit: 'line' | 'record';
  /** One entry per sample, in sample order. */
  readonly at: Int32Array;
  /** Positions (same unit) left out by `--skip-rows`, ascending; absent when none were. */
  readonly skipped?: readonly number[];
}

/**
 * A dataset held in host memory, row-major by sample.
 *
 * `x` has `samples × prod(inputShape)` values and `y` has `samples × outputDim` values.
 * For classification `y` is one-hot (outputDim = number of classes); for regression it is
 * the raw target.
 */
export interface HostDataset {
  readonly task: Task;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Shape of one sample: `[features]`, or `[seqLength, channels]` for sequences. */
  readonly inputShape: readonly number[];
  readonly outputDim: number;
  readonly samples: number;
  /** Column names when known (CSV), one per feature; absent for sequence data. */
  readonly featureNames?: readonly string[];
  /** Classification only, when loaded from a file: the label of each one-hot column. */
  readonly classNames?: readonly string[];
  /** Columns left out of the features because they are not numeric (only when features were not named). */
  readonly droppedColumns?: readonly string[];
  /** Rows left out because a used column was empty (`NA`, `null`, ...): their count and the columns at fault. */
  readonly droppedRows?: { readonly rows: number; readonly byColumn: Readonly<Record<string, number>> };
  /** Data files only: where each sample came from (see `SampleOrigin`); absent for synthetic data. */
  readonly origin?: SampleOrigin;
}

/** Number of values in one sample: the product of `inputShape` (1 for `[]`). */
export function sampleSize(inputShape: readonly number[]): number {
  return inputShape.reduce((a, b) => a * b, 1);
}

/** A host batch: the gathered rows of `x` and `y` and their tensor shapes. */
export interface HostBatch {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly xShape: number[];
  readonly yShape: number[];
}

/**
 * Copies the rows `indices` of `ds` into fresh arrays, in the order given.
 * Indices must be in [0, ds.samples); they are not checked (internal callers only).
 * An empty index list gives empty arrays with leading dimension 0.
 */
export function gatherRows(ds: HostDataset, indices: ArrayLike<number>): HostBatch {
  const xw = sampleSize(ds.inputShape);
  const yw = ds.outputDim;
  const n = indices.length;
  const x = new Float32Array(n * xw);
  const y = new Float32Array(n * yw);
  for (let r = 0; r < n; r++) {
    const i = indices[r]!;
    x.set(ds.x.subarray(i * xw, (i + 1) * xw), r * xw);
    y.set(ds.y.subarray(i * yw, (i + 1) * yw), r * yw);
  }
  return { x, y, xShape: [n, ...ds.inputShape], yShape: [n, yw] };
}

/**
 * A dataset made of the rows `indices` of `ds` (a copy), keeping task, shapes, names and
 * each row's origin. Used by the train/validation split.
 */
export function subsetRows(ds: HostDataset, indices: ArrayLike<number>): HostDataset {
  const { x, y } = gatherRows(ds, indices);
  const base = { task: ds.task, x, y, inputShape: ds.inputShape, outputDim: ds.outputDim, samples: indices.length };
  return {
    ...base,
    ...(ds.featureNames ? { featureNames: ds.featureNames } : {}),
    ...(ds.classNames ? { classNames: ds.classNames } : {}),
    ...(ds.origin ? { origin: { ...ds.origin, at: Int32Array.from(indices, (i) => ds.origin!.at[i]!) } } : {}),
  };
}

/**
 * Makes the tensors of one batch: `xs` of shape `[n, ...inputShape]` and `ys` of shape
 * `[n, outputDim]`, float32. The caller owns (and must dispose) both tensors.
 */
export function batchTensors(ds: HostDataset, indices: ArrayLike<number>): { xs: Tensor; ys: Tensor } {
  const b = gatherRows(ds, indices);
  return { xs: tf.tensor(b.x, b.xShape, 'float32'), ys: tf.tensor(b.y, b.yShape, 'float32') };
}
