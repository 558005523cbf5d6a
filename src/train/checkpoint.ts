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
import { stringifyWithNonFinite } from '../log/codec.js';
import { saveModel, MODEL_FILES } from '../models/save.js';
import type { Tensor } from '../runtime/tf.js';
import type { LoopState } from './loop.js';
import type { RunPlan } from './plan.js';
import { disposeSnapshot, takeSnapshot, type TensorSnapshot } from './snapshot.js';
import { badCheckpoint, parseJson, specsOf, tensorBytes, tensorsOf, writeSynced, type TensorSpec } from './checkpoint-io.js';
import { readRing, writeRing, type RingCarry, type SavedRing } from './checkpoint-ring.js';

/** Names inside a run directory's `checkpoints/` folder. */
export const CHECKPOINT_FILES = { folder: 'checkpoints', manifest: 'manifest.json', state: 'state.json', optimizer: 'optimizer.bin' } as const;
/** The `format` of manifest.json and state.json. */
export const CHECKPOINT_FORMAT = 'gclip-checkpoint/1';

/** One complete checkpoint as the manifest names it. */
export interface ManifestEntry {
  readonly step: number;
  readonly dir: string;
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
  /** The rollback ring at this step (runs with rollback actions; absent in older checkpoints). */
  readonly ring?: SavedRing;
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

/** What a checkpoint writer needs from the run. */
export interface CheckpointTarget {
  readonly runDir: string;
  readonly plan: RunPlan;
  readonly config: RunConfig;
  readonly backend: string;
  /** Path of the run's steps.jsonl (fsynced before each checkpoint, its size recorded). */
  readonly stepsFile: string;
}

/**
 * The checkpoint writer of a run: `write(state)` saves the plan's tensors and `state`
 * as `step-<state.step>`, lists it in the manifest, then deletes all but the newest `keep`.
 */
export function createCheckpointWriter(t: CheckpointTarget, keep: number): (state: LoopState, ring?: RingCarry) => Promise<void> {
  const folder = join(t.runDir, CHECKPOINT_FILES.folder);
  return async (state, ring) => {
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
      const savedRing = ring ? { ring: await writeRing(tmp, ring) } : {};
      const doc: CheckpointState = {
        format: CHECKPOINT_FORMAT,
        loop: state,
        iterations: snap.iterations,
        optimizer: { className: t.plan.optimizer.getClassName(), slots: snap.slots.map(specsOf), scalars: specsOf(snap.scalars) },
        configHash: configHash(t.config),
        backend: t.backend,
        seed: t.config.seed,
        log,
        ...savedRing,
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
  /** The rollback ring the checkpoint holds (the caller owns its tensors), or undefined for one without. */
  readonly ring?: RingCarry;
}

/** Releases a loaded checkpoint's tensors (its state's and its ring's). */
export function disposeCheckpoint(c: LoadedCheckpoint): void {
  disposeSnapshot(c.tensors);
  for (const e of c.ring?.entries ?? []) disposeSnapshot(e.tensors);
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
  const tensors = { weights, slots, scalars, iterations: state.iterations };
  try {
    return { dir, state, tensors, ring: await readRing(dir, state.ring) };
  } catch (e) {
    disposeSnapshot(tensors);
    throw e;
  }
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
