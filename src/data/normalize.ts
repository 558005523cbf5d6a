/**
 * Standardisation of features (and a regression target) with statistics of the training
 * split only, so no information leaks from the validation rows. The statistics are plain
 * data, saved in the run directory to undo the scaling at prediction time.
 */
import { sampleSize, type HostDataset } from './dataset.js';

/** Mean and standard deviation of one column. */
export interface ColumnStats {
  readonly name: string;
  readonly mean: number;
  /** Population std (divide by n); 1 when the column is constant, so it maps to 0. */
  readonly std: number;
}

/** What `data.normalize` applied: x' = (x − mean) / std per feature, and per target column for regression. */
export interface Normalization {
  readonly features: readonly ColumnStats[];
  /** Regression only; null for classification (one-hot targets are left alone). */
  readonly target: readonly ColumnStats[] | null;
}

function columnStats(values: Float32Array, width: number, names: readonly string[]): ColumnStats[] {
  const rows = width === 0 ? 0 : values.length / width;
  return Array.from({ length: width }, (_, j) => {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += values[r * width + j]!;
    const mean = rows > 0 ? sum / rows : 0;
    let sq = 0;
    for (let r = 0; r < rows; r++) sq += (values[r * width + j]! - mean) ** 2;
    const std = rows > 0 ? Math.sqrt(sq / rows) : 0;
    return { name: names[j] ?? `x${j}`, mean, std: std > 0 ? std : 1 };
  });
}

/**
 * Statistics of `train`, in float64: per feature value of a sample (a sequence's every
 * position counts separately), and per target column for regression.
 * Edge cases: a constant column gets std 1 (it becomes 0, not NaN); an empty split
 * gives means 0.
 */
export function fitNormalization(train: HostDataset, targetNames: readonly string[] = ['y']): Normalization {
  const features = columnStats(train.x, sampleSize(train.inputShape), train.featureNames ?? []);
  const target = train.task === 'regression' ? columnStats(train.y, train.outputDim, targetNames) : null;
  return { features, target };
}

function scaled(values: Float32Array, stats: readonly ColumnStats[]): Float32Array {
  const width = stats.length;
  return values.map((v, i) => {
    const s = stats[i % width]!;
    return (v - s.mean) / s.std;
  });
}

/** A copy of `ds` with x (and y, when `norm.target` is set) standardised by `norm`. */
export function applyNormalization(ds: HostDataset, norm: Normalization): HostDataset {
  return { ...ds, x: scaled(ds.x, norm.features), y: norm.target ? scaled(ds.y, norm.target) : ds.y };
}
