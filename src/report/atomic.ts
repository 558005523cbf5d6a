/** Atomic file writes: write a sibling temp file, then rename over the target. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inputError } from '../errors.js';

/**
 * Writes `text` to `path` so that readers see either the old file or the whole new one,
 * never a torn write: a failure midway leaves earlier output intact. A path that cannot
 * be written (a part of it is a file, a read-only folder, a full disk) throws
 * `output_unwritable` (exit 2) naming the path and the reason.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw inputError('output_unwritable', { path: '', message: `cannot write ${path}: ${reason}`, hint: 'Check that every folder on the path is a folder (not a file) and writable, and that the disk has space.', source: path });
  }
}
