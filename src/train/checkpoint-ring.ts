/**
 * The rollback ring inside a checkpoint (docs/checkpoints.md, "Resume"): each entry's
 * weights, optimizer slots and scalars go to `ring.bin` with the checkpoint's own tensor
 * encoding (checkpoint-io.ts), its loop state and tensor shapes to state.json's `ring`.
 * Written into the checkpoint's temporary folder, so it is complete exactly when the
 * checkpoint is.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoopState, RingCarry, RingEntry } from './loop-state.js';
import { disposeSnapshot, type TensorSnapshot } from './snapshot.js';

export type { RingCarry, RingEntry } from './loop-state.js';
import { badCheckpoint, specsOf, tensorBytes, tensorsOf, writeSynced, type TensorSpec } from './checkpoint-io.js';

/** The file of a checkpoint holding the ring's tensors. */
export const RING_FILE = 'ring.bin';

/** state.json's `ring`: per entry, its loop state and where its tensors sit in ring.bin. */
export interface SavedRing {
  readonly lastApplied: boolean;
  readonly entries: readonly {
    readonly state: LoopState;
    readonly iterations: number;
    readonly weights: readonly TensorSpec[];
    readonly slots: readonly (readonly TensorSpec[])[];
    readonly scalars: readonly TensorSpec[];
  }[];
}

const tensorsIn = (s: TensorSnapshot) => [...s.weights, ...s.slots.flat(), ...s.scalars];

/** Writes the ring's tensors to `dir/ring.bin`; returns what state.json records of it. */
export async function writeRing(dir: string, ring: RingCarry): Promise<SavedRing> {
  await writeSynced(join(dir, RING_FILE), await tensorBytes(ring.entries.flatMap((e) => tensorsIn(e.tensors))));
  return {
    lastApplied: ring.lastApplied,
    entries: ring.entries.map(({ state, tensors: t }) => ({ state, iterations: t.iterations, weights: specsOf(t.weights), slots: t.slots.map(specsOf), scalars: specsOf(t.scalars) })),
  };
}

/** Reads the ring `saved` describes back from `dir/ring.bin`; undefined for a checkpoint without one. */
export async function readRing(dir: string, saved: SavedRing | undefined): Promise<RingCarry | undefined> {
  if (saved === undefined) return undefined;
  const file = join(dir, RING_FILE);
  const bytes = new Uint8Array(await readFile(file));
  const at = { offset: 0 };
  const entries: RingEntry[] = [];
  try {
    for (const e of saved.entries) {
      const weights = tensorsOf(bytes, e.weights, at, file);
      const slots = e.slots.map((kind) => tensorsOf(bytes, kind, at, file));
      entries.push({ state: e.state, tensors: { weights, slots, scalars: tensorsOf(bytes, e.scalars, at, file), iterations: e.iterations } });
    }
    if (at.offset * 4 !== bytes.byteLength) throw badCheckpoint(file, `is ${bytes.byteLength} bytes, state.json names ${at.offset * 4}`);
  } catch (e) {
    for (const entry of entries) disposeSnapshot(entry.tensors);
    throw e;
  }
  return { lastApplied: saved.lastApplied, entries };
}
