/**
 * Saves a trained LayersModel in the tfjs layout (`model.json` + one `weights.bin`
 * shard), so `tf.loadLayersModel('file://…/model.json')` or gclip's own loader reads it
 * back with identical predictions. Each file is written to a temporary name and renamed,
 * so a failure never leaves a half-written model (style.md §4).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Normalization } from '../data/normalize.js';
import { internalError } from '../errors.js';
import { tf, type LayersModel } from '../runtime/tf.js';

/** File names gclip writes in the run directory. */
export const MODEL_FILES = { model: 'model.json', weights: 'weights.bin', normalization: 'normalization.json' } as const;

/** Writes a whole file; the default writes to a temp file and renames it over `path`. */
export type FileWriter = (path: string, data: string | Uint8Array) => Promise<void>;

/** Temp-and-rename writer on the local file system; creates the directory. */
export const nodeFileWriter: FileWriter = async (path, data) => {
  await mkdir(join(path, '..'), { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
};

/** What {@link saveModel} wrote. */
export interface SavedModel {
  readonly modelJson: string;
  readonly weights: string;
  /** Null when no normalization was given. */
  readonly normalization: string | null;
  readonly weightBytes: number;
}

function modelJsonOf(a: tf.io.ModelArtifacts): string {
  const doc = {
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [`./${MODEL_FILES.weights}`], weights: a.weightSpecs ?? [] }],
  };
  return JSON.stringify(doc);
}

/**
 * Writes `model` to `dir`: `model.json` (topology with each layer's `trainable` flag, and
 * a one-shard weights manifest) and `weights.bin` (every weight, float32 little-endian, in
 * manifest order); with `normalization`, also `normalization.json` (the statistics to
 * apply to new inputs, and to undo on regression outputs). Weights are read from the
 * backend once (`model.save`); no tensor is left behind.
 *
 * @example
 * const saved = await saveModel(plan.model, runDir, { normalization: plan.normalization });
 * // saved.modelJson === join(runDir, 'model.json')
 */
export async function saveModel(model: LayersModel, dir: string, o: { normalization?: Normalization | null; write?: FileWriter } = {}): Promise<SavedModel> {
  const write = o.write ?? nodeFileWriter;
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts?.weightData) throw internalError('model_save_empty', `model ${model.name} produced no weight data`);
  const buffers = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const bytes = new Uint8Array(tf.io.concatenateArrayBuffers(buffers));
  const paths = { modelJson: join(dir, MODEL_FILES.model), weights: join(dir, MODEL_FILES.weights) };
  await write(paths.weights, bytes);
  await write(paths.modelJson, modelJsonOf(artifacts));
  const normalization = o.normalization ? join(dir, MODEL_FILES.normalization) : null;
  if (normalization) await write(normalization, JSON.stringify(o.normalization, null, 2) + '\n');
  return { ...paths, normalization, weightBytes: bytes.byteLength };
}
