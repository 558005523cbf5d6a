/**
 * The tensor and JSON encoding every checkpoint file shares (format: docs/checkpoints.md):
 * tensors as float32 little-endian values back to back, described by their shapes in
 * state.json; JSON through `log/codec` (non-finite numbers survive).
 */
import { open } from 'node:fs/promises';
import { inputError } from '../errors.js';
import { decodeLine } from '../log/codec.js';
import { tf, type Tensor } from '../runtime/tf.js';

/** A tensor's place in a checkpoint's `.bin` file. */
export interface TensorSpec {
  readonly shape: readonly number[];
}

/** The specs of `tensors`, in order. */
export const specsOf = (tensors: readonly Tensor[]): TensorSpec[] => tensors.map((x) => ({ shape: x.shape }));

/** Writes `data` to `path` and fsyncs it. */
export async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

export function badCheckpoint(file: string, message: string) {
  return inputError('checkpoint_bad', { path: '', message: `${file}: ${message}`, hint: 'Resume from an intact run directory, or start the run again.', source: file });
}

export function parseJson(text: string, file: string): unknown {
  try {
    return decodeLine(text);
  } catch (e) {
    throw badCheckpoint(file, `not valid JSON (${(e as Error).message})`);
  }
}

/** Float32 little-endian bytes of `tensors`, read back once each. */
export async function tensorBytes(tensors: readonly Tensor[]): Promise<Uint8Array> {
  const parts = await Promise.all(tensors.map((t) => t.data<'float32'>()));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return new Uint8Array(out.buffer);
}

/** Reads float32 values of `specs` from `bytes` in order into tensors (none are left behind when it throws). */
export function tensorsOf(bytes: Uint8Array, specs: readonly TensorSpec[], at: { offset: number }, file: string): Tensor[] {
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out: Tensor[] = [];
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (at.offset + n > floats.length) {
      tf.dispose(out);
      throw badCheckpoint(file, `holds ${floats.length} values, fewer than its specs name`);
    }
    out.push(tf.tensor(floats.subarray(at.offset, at.offset + n), [...s.shape], 'float32'));
    at.offset += n;
  }
  return out;
}
