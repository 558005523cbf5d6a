/**
 * Checkpoints on disk (format: docs/checkpoints.md). A checkpoint is a folder
 * `checkpoints/step-<8 digits>/` holding the model as tfjs `model.json` + `weights.bin`,
 * the optimizer's slots and scalar state in `optimizer.bin` (float32, little-endian) and
 * everything else in `state.json`. It is written under a temporary name, every file
 * fsynced, then renamed; `checkpoints/manifest.json` (replaced atomically, fsynced) lists
 * only complete checkpoints, newest last. A kill at any moment leaves the previous manifest
 * and its checkpoints intact.
 */
import { createHash } from 'node:crypto';
import { open, mkdir, readFile, rename, rm, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { inputError } from '../errors.js';
import { decodeLine, stringifyWithNonFinite } from '../log/codec.js';
import { saveModel, MODEL_FILES } from '../models/save.js';
import { tf, type Tensor } from '../runtime/tf.js';
import type { LoopState } from './loop.js';
import type { RunPlan } from './plan.js';
import { disposeSnapshot, takeSnapshot, type TensorSnapshot } from './snapshot.js';

/** Names inside a run directory's `checkpoints/` folder. */
export const CHECKPOINT_FILES = { folder: 'checkpoints', manifest: 'manifest.json', state: 'state.json', optimizer: 'optimizer.bin' } as const;
/** The `format` of manifest.json and state.json. */
export const CHECKPOINT_FORMAT = 'gclip-checkpoint/1';

/** One complete checkpoint as the manifest names it. */
export interface ManifestEntry {
  readonly step: number;
  readonly dir: string;
}

/** A tensor's place in `optimizer.bin`. */
interface TensorSpec {
  readonly shape: readonly number[];
}

/** `state.json`: the run state beside the tensors, and what a resume must check. */
export interface CheckpointState {
  readonly format: string;
  readonly loop: LoopState;
  /** Optimizer updates applied (`optimizer.iterations`). */
  readonly iterations: number;
  readonly optimizer: { readonly className: string; readonly slots: readonly (readonly TensorSpec[])[]; readonly scalars: readonly TensorSpec[] };
  /** sha256 of the config that trains (see `configHash`). */
  readonly configHash: string;
  readonly backend: string;
  readonly seed: number;
  /** Bytes and lines of `steps.jsonl` that belong to the run up to `loop.step`. */
  readonly log: { readonly bytes: number; readonly lines: number };
}

/**
 * sha256 of the parts of a config that decide the run's numbers: everything but `log`
 * (where files go, how often progress prints), `checkpoint` (how often state is saved) and
 * `backend` (the checkpoint compares the backend that ran, not the one asked for).
 */
export function configHash(config: RunConfig): string {
  const { log: _log, checkpoint: _checkpoint, backend: _backend, ...numbers } = config;
  return createHash('sha256').update(stringifyWithNonFinite(numbers)).digest('hex');
}

/** Writes `data` to `path` and fsyncs it. */
async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** fsyncs a directory, so a rename inside it survives a power loss. */
async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Reads `dir/checkpoints/manifest.json`; [] when there is none. */
export async function readManifest(runDir: string): Promise<ManifestEntry[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, CHECKPOINT_FILES.folder, CHECKPOINT_FILES.manifest), 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  const doc = parseJson(text, join(runDir, CHECKPOINT_FILES.folder, CHECKPOINT_FILES.manifest)) as { complete?: unknown };
  const complete = doc.complete;
  if (!Array.isArray(complete) || !complete.every((e: { step?: unknown; dir?: unknown }) => Number.isInteger(e?.step) && typeof e?.dir === 'string' && /^step-\d+$/.test(e.dir))) {
    throw badCheckpoint(join(runDir, CHECKPOINT_FILES.folder, CHECKPOINT_FILES.manifest), '`complete` must list {step, dir} entries');
  }
  return complete as ManifestEntry[];
}

function badCheckpoint(file: string, message: string) {
  return inputError('checkpoint_bad', { path: '', message: `${file}: ${message}`, hint: 'Resume from an intact run directory, or start the run again.', source: file });
}

function parseJson(text: string, file: string): unknown {
  try {
    return decodeLine(text);
  } catch (e) {
    throw badCheckpoint(file, `not valid JSON (${(e as Error).message})`);
  }
}

/** What a checkpoint writer needs from the run. */
export interface CheckpointTarget {
  readonly runDir: string;
  readonly plan: RunPlan;
  readonly config: RunConfig;
  readonly backend: string;
  /** Path of the run's steps.jsonl (fsynced before each checkpoint, its size recorded). */
  readonly stepsFile: string;
}

/** Float32 little-endian bytes of `tensors`, read back once each. */
async function tensorBytes(tensors: readonly Tensor[]): Promise<Uint8Array> {
  const parts = await Promise.all(tensors.map((t) => t.data<'float32'>()));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new Uint8Array(out.buffer);
}

/**
 * The checkpoint writer of a run: `write(state)` saves the plan's tensors and `state`
 * as `step-<state.step>`, lists it in the manifest, then deletes all but the newest `keep`.
 */
export function createCheckpointWriter(t: CheckpointTarget, keep: number): (state: LoopState) => Promise<void> {
  const folder = join(t.runDir, CHECKPOINT_FILES.folder);
  return async (state) => {
    await mkdir(folder, { recursive: true });
    const name = `step-${String(state.step).padStart(8, '0')}`;
    const tmp = join(folder, `.${name}.tmp-${process.pid}`);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    const steps = await open(t.stepsFile, 'r');
    let log: CheckpointState['log'];
    try {
      await steps.sync();
      // One record per step: the log holds exactly the steps before this state.
      log = { bytes: (await steps.stat()).size, lines: state.step };
    } finally {
      await steps.close();
    }
    await saveModel(t.plan.model, tmp, { write: writeSynced });
    const snap: TensorSnapshot = takeSnapshot(t.plan);
    try {
      await writeSynced(join(tmp, CHECKPOINT_FILES.optimizer), await tensorBytes([...snap.slots.flat(), ...snap.scalars]));
      const doc: CheckpointState = {
        format: CHECKPOINT_FORMAT,
        loop: state,
        iterations: snap.iterations,
        optimizer: { className: t.plan.optimizer.getClassName(), slots: snap.slots.map((kind) => kind.map((x) => ({ shape: x.shape }))), scalars: snap.scalars.map((x) => ({ shape: x.shape })) },
        configHash: configHash(t.config),
        backend: t.backend,
        seed: t.config.seed,
        log,
      };
      await writeSynced(join(tmp, CHECKPOINT_FILES.state), stringifyWithNonFinite(doc, 2) + '\n');
    } finally {
      disposeSnapshot(snap);
    }
    await syncDir(tmp);
    await rm(join(folder, name), { recursive: true, force: true });
    await rename(tmp, join(folder, name));
    await syncDir(folder);
    const entries = (await readManifest(t.runDir)).filter((e) => e.step < state.step);
    const kept = [...entries, { step: state.step, dir: name }].slice(-keep);
    const manifestTmp = join(folder, `${CHECKPOINT_FILES.manifest}.tmp-${process.pid}`);
    await writeSynced(manifestTmp, JSON.stringify({ format: CHECKPOINT_FORMAT, complete: kept }, null, 2) + '\n');
    await rename(manifestTmp, join(folder, CHECKPOINT_FILES.manifest));
    await syncDir(folder);
    const keepDirs = new Set(kept.map((e) => e.dir));
    for (const entry of await readdir(folder)) {
      if (/^step-\d+$/.test(entry) && !keepDirs.has(entry)) await rm(join(folder, entry), { recursive: true, force: true });
    }
  };
}

/** A checkpoint read back: its state and its tensors (the caller restores, then disposes them). */
export interface LoadedCheckpoint {
  readonly dir: string;
  readonly state: CheckpointState;
  readonly tensors: TensorSnapshot;
}

/** Reads float32 values of `specs` from `bytes` in order into tensors. */
function tensorsOf(bytes: Uint8Array, specs: readonly TensorSpec[], at: { offset: number }, file: string): Tensor[] {
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at.offset + n > floats.length) throw badCheckpoint(file, `holds ${floats.length} values, fewer than its specs name`);
    const t = tf.tensor(floats.subarray(at.offset, at.offset + n), [...s.shape], 'float32');
    at.offset += n;
    return t;
  });
}

/** Model weights from a checkpoint's model.json + weights.bin, in `model.weights` order. */
async function modelWeights(dir: string): Promise<Tensor[]> {
  const file = join(dir, MODEL_FILES.model);
  const doc = parseJson(await readFile(file, 'utf8'), file) as { weightsManifest?: { weights?: { shape: number[]; dtype?: string }[] }[] };
  const specs = (doc.weightsManifest ?? []).flatMap((g) => g.weights ?? []);
  if (specs.some((s) => (s.dtype ?? 'float32') !== 'float32')) throw badCheckpoint(file, 'only float32 weights are supported');
  const bin = join(dir, MODEL_FILES.weights);
  const bytes = new Uint8Array(await readFile(bin));
  const at = { offset: 0 };
  const out = tensorsOf(bytes, specs, at, bin);
  if (at.offset * 4 !== bytes.byteLength) throw badCheckpoint(bin, `is ${bytes.byteLength} bytes, its manifest names ${at.offset * 4}`);
  return out;
}

/** Reads the newest complete checkpoint of `runDir` (of a step ≤ `atOrBefore`), or null when the manifest lists none. */
export async function loadLatestCheckpoint(runDir: string, atOrBefore = Infinity): Promise<LoadedCheckpoint | null> {
  const last = (await readManifest(runDir)).filter((e) => e.step <= atOrBefore).at(-1);
  if (!last) return null;
  const dir = join(runDir, CHECKPOINT_FILES.folder, last.dir);
  const stateFile = join(dir, CHECKPOINT_FILES.state);
  const state = parseJson(await readFile(stateFile, 'utf8'), stateFile) as CheckpointState;
  if (state.format !== CHECKPOINT_FORMAT || state.loop?.step !== last.step) throw badCheckpoint(stateFile, `not a ${CHECKPOINT_FORMAT} state of step ${last.step}`);
  const weights = await modelWeights(dir);
  const optFile = join(dir, CHECKPOINT_FILES.optimizer);
  const bytes = new Uint8Array(await readFile(optFile));
  const at = { offset: 0 };
  const slots = state.optimizer.slots.map((kind) => tensorsOf(bytes, kind, at, optFile));
  const scalars = tensorsOf(bytes, state.optimizer.scalars, at, optFile);
  return { dir, state, tensors: { weights, slots, scalars, iterations: state.iterations } };
}

/** Size of a file in bytes, or -1 when it does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return -1;
    throw e;
  }
}
