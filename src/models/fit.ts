/**
 * Matches a dataset to a loaded model's input and output: reshapes flat features to the
 * model's input shape when the sizes agree, turns a two-class one-hot target into the
 * single 0/1 column a sigmoid output wants, and otherwise refuses with an error that
 * names the features, the target and the model's shapes.
 */
import type { HostDataset } from '../data/dataset.js';
import { sampleSize } from '../data/dataset.js';
import { inputError } from '../errors.js';
import type { LossName } from './loss.js';

/** What the model takes and gives, as `LoadedModel` reports it. */
export interface ModelShape {
  readonly inputShape: readonly (number | null)[];
  readonly outputDim: number;
  /** model.json path, for messages. */
  readonly file: string;
}

const shown = (s: readonly (number | null)[]): string => `[${['null', ...s.map((d) => (d === null ? 'null' : String(d)))].join(', ')}]`;

/** The model's input shape with its unknown dimension (at most one) filled from `size` values per sample, or null. */
function resolveInput(shape: readonly (number | null)[], size: number): number[] | null {
  const known = shape.reduce<number>((a, d) => a * (d ?? 1), 1);
  const unknown = shape.filter((d) => d === null).length;
  if (unknown === 0) return known === size ? shape.map((d) => d!) : null;
  if (unknown > 1 || size % known !== 0) return null;
  return shape.map((d) => d ?? size / known);
}

/**
 * The single 0/1 target column of a two-class one-hot dataset (the second class is 1),
 * for binary cross-entropy. Returns `ds` unchanged when it is not two-class one-hot.
 */
export function toBinaryTarget(ds: HostDataset): HostDataset {
  if (ds.task !== 'classification' || ds.outputDim !== 2) return ds;
  const y = new Float32Array(ds.samples);
  for (let i = 0; i < ds.samples; i++) y[i] = ds.y[i * 2 + 1]!;
  return { ...ds, y, outputDim: 1 };
}

/**
 * `ds` shaped for the model: `inputShape` replaced by the model's (same values per sample)
 * and, when the model has one output, a two-class target reduced to one 0/1 column.
 * Throws `model_data_mismatch` (exit 2) when the feature count cannot fill the model's
 * input, or the target's width (1 for regression, the class count for classification)
 * does not match the model's output.
 */
export function fitDataToModel(ds: HostDataset, model: ModelShape, loss: LossName): HostDataset {
  const size = sampleSize(ds.inputShape);
  const inputShape = resolveInput(model.inputShape, size);
  if (!inputShape) {
    const cols = ds.featureNames ? ` (${ds.featureNames.join(', ')})` : '';
    throw inputError('model_data_mismatch', {
      path: 'data.features',
      message: `the model takes inputs of shape ${shown(model.inputShape)}, but the data has ${size} values per sample${cols}`,
      hint: 'Choose the feature columns the model was trained on with --features a,b,c (in order).',
      source: model.file,
    });
  }
  const fitted = loss === 'binary-crossentropy' && model.outputDim === 1 ? toBinaryTarget(ds) : ds;
  if (fitted.outputDim !== model.outputDim) {
    const names = ds.classNames?.length ? ` (${ds.classNames.join(', ')})` : '';
    const what = ds.task === 'classification' ? `${ds.outputDim} classes${names}` : `${ds.outputDim} target column`;
    throw inputError('model_data_mismatch', {
      path: 'data.target',
      message: `the model has ${model.outputDim} outputs, but the target has ${what}`,
      hint: ds.task === 'classification' ? 'Pick the target the model predicts, or set data.task: regression for a numeric target.' : 'Pick the target the model predicts, or set data.task: classification for a class label.',
      source: model.file,
    });
  }
  return { ...fitted, inputShape };
}
