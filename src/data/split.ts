/**
 * Deterministic train/validation split of a host dataset.
 */
import { permutation, type Rng } from '../runtime/rng.js';
import { subsetRows, type HostDataset } from './dataset.js';

/** The two disjoint parts of a dataset. */
export interface SplitDataset {
  readonly train: HostDataset;
  readonly val: HostDataset;
}

/**
 * Number of validation samples for `samples` rows: ⌊samples · valFraction⌋, capped so
 * that at least one training sample remains. 0 when valFraction is 0 (or the product is
 * below 1).
 */
export function valCount(samples: number, valFraction: number): number {
  const n = Math.floor(samples * valFraction);
  return Math.max(0, Math.min(n, samples - 1));
}

/**
 * Splits `ds` into disjoint train and validation sets.
 *
 * Without `rng` the validation set is the *last* {@link valCount} rows, in order: right for
 * the synthetic tasks, whose rows are i.i.d. already. With `rng` the rows are first permuted
 * (Fisher–Yates from `rng.fork('split')`, which does not advance `rng`): use it for files
 * that may be sorted. Either way the result depends only on the data and the seed.
 * Rows keep their relative order inside each part when no `rng` is given.
 *
 * Edge cases: valFraction 0 gives an empty `val` (samples 0); a one-row dataset always
 * goes entirely to `train`.
 */
export function splitDataset(ds: HostDataset, valFraction: number, rng?: Rng): SplitDataset {
  const nVal = valCount(ds.samples, valFraction);
  const nTrain = ds.samples - nVal;
  const order = rng ? permutation(ds.samples, rng.fork('split')) : identity(ds.samples);
  return {
    train: subsetRows(ds, order.subarray(0, nTrain)),
    val: subsetRows(ds, order.subarray(nTrain)),
  };
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
