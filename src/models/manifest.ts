/**
 * Validation of a model.json's weights manifest *before* anything is allocated: shard
 * paths stay inside the model's folder, every shard exists, each group's shards hold
 * exactly the bytes its weights' shapes and dtypes declare, and every dtype is one gclip
 * can train. Errors are exit-2 GclipErrors naming the file and the manifest field.
 */
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { inputError, isGclipError, type ErrorCode, type GclipError } from '../errors.js';
import { READ_LIMITS } from '../guard/limits.js';
import { preview } from '../guard/shape.js';
import { isNotFound, type FileFacts, type FileReader } from './files.js';
import { MAX_MODEL_ELEMENTS } from './limits.js';
import { isRecord } from '../config/field-path.js';

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

interface Group {
  readonly paths: string[];
  readonly weights: WeightSpec[];
  readonly bytes: number;
}

function checkWeight(w: unknown, file: string, at: string): WeightSpec {
  if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw manifestError('model_bad_manifest', file, at, `expected {"name": string, "shape": [non-negative integers], "dtype": string}, received ${preview(w)}`, 'Re-export the model with tfjs model.save() or tensorflowjs_converter.');
  }
  if (w.quantization !== undefined) {
    throw manifestError('model_unsupported_dtype', file, `${at}.quantization`, `weight '${w.name}' is quantised (${preview(w.quantization)}); gclip trains float32 weights only`, 'Convert the model again without --quantize_* options.');
  }
  if (w.dtype !== 'float32') {
    throw manifestError('model_unsupported_dtype', file, `${at}.dtype`, `weight '${w.name}' has dtype ${preview(w.dtype)}; supported: float32`, 'Convert the model with float32 weights.');
  }
  return { name: w.name, shape: w.shape as number[], dtype: 'float32' };
}

function checkPath(p: unknown, file: string, at: string): string {
  const dir = dirname(file);
  if (typeof p !== 'string' || p === '') throw manifestError('model_bad_manifest', file, at, `expected a shard file name, received ${preview(p)}`, 'List each shard as a path relative to model.json.');
  const full = join(dir, p);
  const rel = relative(dir, full);
  if (isAbsolute(p) || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    throw manifestError('model_shard_outside', file, at, `shard path '${p}' leaves the model's folder ${dir}`, 'Keep the shards next to model.json and name them relative to it (no absolute paths, no ..).');
  }
  return full;
}

function checkGroups(manifest: unknown, file: string): Group[] {
  if (!Array.isArray(manifest)) {
    throw manifestError('model_bad_manifest', file, 'weightsManifest', `expected an array of {"paths", "weights"} groups, received ${preview(manifest)}`, 'Re-export the model with tfjs model.save() or tensorflowjs_converter.');
  }
  const groups = manifest.map((g, i) => {
    const at = `weightsManifest[${i}]`;
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw manifestError('model_bad_manifest', file, at, 'expected {"paths": [...], "weights": [...]}', 'Re-export the model with tfjs model.save() or tensorflowjs_converter.');
    }
    const weights = g.weights.map((w, j) => checkWeight(w, file, `${at}.weights[${j}]`));
    const paths = g.paths.map((p, j) => checkPath(p, file, `${at}.paths[${j}]`));
    const bytes = weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * BYTES[w.dtype]!, 0);
    return { paths, weights, bytes };
  });
  checkElements(groups, file);
  return groups;
}

/** Refuses a manifest whose weights hold more than MAX_MODEL_ELEMENTS values, naming the weight that crosses it. */
function checkElements(groups: readonly Group[], file: string): void {
  let total = 0;
  for (const [i, g] of groups.entries()) {
    for (const [j, w] of g.weights.entries()) {
      total += w.shape.reduce((a, b) => a * b, 1);
      if (total > MAX_MODEL_ELEMENTS) {
        throw manifestError('model_too_large', file, `weightsManifest[${i}].weights[${j}].shape`, `the weights up to '${w.name}' [${w.shape.join(', ')}] hold more than ${MAX_MODEL_ELEMENTS} values, gclip's limit (512 MiB of float32)`, 'gclip trains models of up to 2^27 parameters (docs/limits.md); check the shape, or train a smaller model.');
      }
    }
  }
}

/** A shard's facts, after checking it is a regular file whose real path (links followed) stays in `root`. */
async function shardFacts(read: FileReader, path: string, root: string, where: { file: string; at: string }): Promise<FileFacts> {
  let facts: FileFacts;
  try {
    facts = await read.facts(path);
  } catch (e) {
    if (!isNotFound(e)) throw manifestError('model_unreadable', where.file, where.at, `weight shard ${path} could not be read: ${(e as Error).message}`, 'Check the file permissions.');
    throw manifestError('model_missing_shard', where.file, where.at, `weight shard ${path} does not exist`, 'Copy every .bin file listed in weightsManifest next to model.json.');
  }
  const rel = relative(root, facts.realPath);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw manifestError('model_shard_outside', where.file, where.at, `weight shard ${path} is a link to ${facts.realPath}, outside the model's folder ${root}`, 'Copy the shard into the model folder instead of linking to it.');
  }
  if (!facts.regular) throw manifestError('model_shard_not_file', where.file, where.at, `weight shard ${path} is not a regular file`, 'Each shard must be a .bin file next to model.json.');
  return facts;
}

async function readShard(read: FileReader, path: string, size: number, where: { file: string; at: string }): Promise<Uint8Array> {
  try {
    const bytes = await read.bytes(path, { ...READ_LIMITS.shard, bytes: size });
    if (bytes.byteLength === size) return bytes;
  } catch (e) {
    if (!isGclipError(e) && !isNotFound(e)) throw manifestError('model_unreadable', where.file, where.at, `weight shard ${path} could not be read: ${(e as Error).message}`, 'Check the file permissions.');
  }
  throw manifestError('model_shard_changed', where.file, where.at, `weight shard ${path} changed while it was read`, 'Load the model again once nothing writes to it.');
}

/** Each shard of each group checked (see shardFacts) and the group's byte count compared, before any shard is read. */
async function checkShards(groups: readonly Group[], file: string, read: FileReader): Promise<number[][]> {
  const root = (await read.facts(dirname(file))).realPath;
  const sizes: number[][] = [];
  for (const [i, g] of groups.entries()) {
    const facts = await Promise.all(g.paths.map((p, j) => shardFacts(read, p, root, { file, at: `weightsManifest[${i}].paths[${j}]` })));
    const got = facts.reduce((s, f) => s + f.size, 0);
    if (got !== g.bytes) {
      throw manifestError('model_shard_size', file, `weightsManifest[${i}].paths`, `shard ${g.paths.join(', ')} holds ${got} bytes, but the ${g.weights.length} weights of this group declare ${g.bytes} bytes (float32, 4 bytes per value)`, 'The shard is truncated or belongs to another model; export the model again.');
    }
    sizes.push(facts.map((f) => f.size));
  }
  return sizes;
}

/**
 * Validates `manifest` (the `weightsManifest` of `file`) and reads its shards with `read`.
 * Checks every group (and the model's element limit) before looking at any shard, then
 * every shard's kind, real path and size before reading any; no tensor is created.
 * Shards are read to exactly their checked size and concatenated in order.
 *
 * Throws (exit 2, naming `file` and the manifest field): `model_bad_manifest`,
 * `model_too_large` (more than MAX_MODEL_ELEMENTS values), `model_shard_outside`
 * (absolute path, `..`, or a symbolic link whose target leaves the folder),
 * `model_shard_not_file` (a directory, device or FIFO), `model_unsupported_dtype`
 * (anything but unquantised float32), `model_missing_shard`, `model_shard_size` (a
 * group's shards hold more or fewer bytes than its weights declare), `model_shard_changed`.
 */
export async function loadWeightsManifest(manifest: unknown, file: string, read: FileReader): Promise<LoadedWeights> {
  const groups = checkGroups(manifest, file);
  const sizes = await checkShards(groups, file, read);
  const data = new Uint8Array(groups.reduce((s, g) => s + g.bytes, 0));
  let offset = 0;
  for (const [i, g] of groups.entries()) {
    for (const [j, p] of g.paths.entries()) {
      const bytes = await readShard(read, p, sizes[i]![j]!, { file, at: `weightsManifest[${i}].paths[${j}]` });
      data.set(bytes, offset);
      offset += bytes.byteLength;
    }
  }
  return { specs: groups.flatMap((g) => g.weights), data: data.buffer };
}
