/**
 * Validation of a model.json's weights manifest *before* anything is allocated: shard
 * paths stay inside the model's folder, every shard exists, each group's shards hold
 * exactly the bytes its weights' shapes and dtypes declare, and every dtype is one gclip
 * can train. Errors are exit-2 GclipErrors naming the file and the manifest field.
 */
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { inputError, type ErrorCode, type GclipError } from '../errors.js';
import { isNotFound, type FileReader } from './files.js';

/** One weight of the manifest, as tfjs's `WeightsManifestEntry`. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
}

/** The validated manifest: weight specs in file order and their bytes, concatenated. */
export interface LoadedWeights {
  readonly specs: WeightSpec[];
  readonly data: ArrayBuffer;
}

/** Bytes per element of the dtypes gclip loads. Quantised and non-float weights are refused. */
const BYTES: Readonly<Record<string, number>> = { float32: 4 };

function manifestError(code: ErrorCode, file: string, path: string, message: string, hint: string): GclipError {
  return inputError(code, { path, message, hint, source: file });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Group {
  readonly paths: string[];
  readonly weights: WeightSpec[];
  readonly bytes: number;
}

function checkWeight(w: unknown, file: string, at: string): WeightSpec {
  if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw manifestError('model_bad_manifest', file, at, `expected {"name": string, "shape": [non-negative integers], "dtype": string}, received ${JSON.stringify(w)}`, 'Re-export the model with tfjs model.save() or tensorflowjs_converter.');
  }
  if (w.quantization !== undefined) {
    throw manifestError('model_unsupported_dtype', file, `${at}.quantization`, `weight '${w.name}' is quantised (${JSON.stringify(w.quantization)}); gclip trains float32 weights only`, 'Convert the model again without --quantize_* options.');
  }
  if (w.dtype !== 'float32') {
    throw manifestError('model_unsupported_dtype', file, `${at}.dtype`, `weight '${w.name}' has dtype ${JSON.stringify(w.dtype)}; supported: float32`, 'Convert the model with float32 weights.');
  }
  return { name: w.name, shape: w.shape as number[], dtype: 'float32' };
}

function checkPath(p: unknown, file: string, at: string): string {
  const dir = dirname(file);
  if (typeof p !== 'string' || p === '') throw manifestError('model_bad_manifest', file, at, `expected a shard file name, received ${JSON.stringify(p)}`, 'List each shard as a path relative to model.json.');
  const full = join(dir, p);
  const rel = relative(dir, full);
  if (isAbsolute(p) || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw manifestError('model_shard_outside', file, at, `shard path '${p}' leaves the model's folder ${dir}`, 'Keep the shards next to model.json and name them relative to it (no absolute paths, no ..).');
  }
  return full;
}

function checkGroups(manifest: unknown, file: string): Group[] {
  if (!Array.isArray(manifest)) {
    throw manifestError('model_bad_manifest', file, 'weightsManifest', `expected an array of {"paths", "weights"} groups, received ${manifest === undefined ? 'nothing' : JSON.stringify(manifest).slice(0, 60)}`, 'Re-export the model with tfjs model.save() or tensorflowjs_converter.');
  }
  return manifest.map((g, i) => {
    const at = `weightsManifest[${i}]`;
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw manifestError('model_bad_manifest', file, at, 'expected {"paths": [...], "weights": [...]}', 'Re-export the model with tfjs model.save() or tensorflowjs_converter.');
    }
    const weights = g.weights.map((w, j) => checkWeight(w, file, `${at}.weights[${j}]`));
    const paths = g.paths.map((p, j) => checkPath(p, file, `${at}.paths[${j}]`));
    const bytes = weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * BYTES[w.dtype]!, 0);
    return { paths, weights, bytes };
  });
}

async function readShard(read: FileReader, path: string, file: string, at: string): Promise<Uint8Array> {
  try {
    return await read.bytes(path);
  } catch (e) {
    if (!isNotFound(e)) throw manifestError('model_unreadable', file, at, `weight shard ${path} could not be read: ${(e as Error).message}`, 'Check the file permissions.');
    throw manifestError('model_missing_shard', file, at, `weight shard ${path} does not exist`, 'Copy every .bin file listed in weightsManifest next to model.json.');
  }
}

/**
 * Validates `manifest` (the `weightsManifest` of `file`) and reads its shards with `read`.
 * Checks every group before reading any shard, then every shard's presence and size
 * before returning; no tensor is created. Shards of a group are concatenated in order.
 *
 * Throws (exit 2, naming `file` and the manifest field): `model_bad_manifest`,
 * `model_shard_outside` (absolute path or `..` leaving the folder),
 * `model_unsupported_dtype` (anything but unquantised float32), `model_missing_shard`,
 * `model_shard_size` (a group's shards hold more or fewer bytes than its weights declare).
 */
export async function loadWeightsManifest(manifest: unknown, file: string, read: FileReader): Promise<LoadedWeights> {
  const groups = checkGroups(manifest, file);
  const parts: Uint8Array[] = [];
  for (const [i, g] of groups.entries()) {
    const shards = await Promise.all(g.paths.map((p, j) => readShard(read, p, file, `weightsManifest[${i}].paths[${j}]`)));
    const got = shards.reduce((s, b) => s + b.byteLength, 0);
    if (got !== g.bytes) {
      const names = g.paths.join(', ');
      throw manifestError('model_shard_size', file, `weightsManifest[${i}].paths`, `shard ${names} holds ${got} bytes, but the ${g.weights.length} weights of this group declare ${g.bytes} bytes (float32, 4 bytes per value)`, 'The shard is truncated or belongs to another model; export the model again.');
    }
    parts.push(...shards);
  }
  const total = parts.reduce((s, b) => s + b.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return { specs: groups.flatMap((g) => g.weights), data: data.buffer };
}
