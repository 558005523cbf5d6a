/**
 * The injected file access of model and data loading (style.md §4): text for model.json
 * and data files, bytes for weight shards, each within a size limit, and the facts about
 * a shard (real path, regular file, size) that are checked before it is read. Tests pass
 * {@link memoryFiles}.
 */
import { realpath, stat } from 'node:fs/promises';
import { tooLarge, readBounded, readTextBounded } from '../guard/read-bounded.js';
import type { ReadLimit } from '../guard/limits.js';

/** What a path is, after following symbolic links. */
export interface FileFacts {
  /** The canonical path (symbolic links resolved). */
  readonly realPath: string;
  /** A regular file (not a directory, device, FIFO or socket). */
  readonly regular: boolean;
  readonly size: number;
}

/**
 * Reads files within a size limit. Every method rejects with a Node-style error
 * (`code: 'ENOENT'`) when the path is absent; `text` and `bytes` throw `file_too_large`
 * or `not_a_regular_file` (exit 2) rather than read past `limit`.
 */
export interface FileReader {
  text(path: string, limit: ReadLimit): Promise<string>;
  bytes(path: string, limit: ReadLimit): Promise<Uint8Array>;
  facts(path: string): Promise<FileFacts>;
}

/** Reads from the local file system (see `guard/read-bounded`). */
export const nodeFileReader: FileReader = {
  text: (path, limit) => readTextBounded(path, limit),
  bytes: async (path, limit) => new Uint8Array(await readBounded(path, limit)),
  facts: async (path) => {
    const [realPath, st] = await Promise.all([realpath(path), stat(path)]);
    return { realPath, regular: st.isFile(), size: st.size };
  },
};

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
}

/**
 * An in-memory reader over `files` (path → text or bytes), for tests and host apps. The
 * same limits apply; a path that is a prefix folder of some file is a directory.
 */
export function memoryFiles(files: Readonly<Record<string, string | Uint8Array>>): FileReader {
  const get = (path: string, limit: ReadLimit): Uint8Array => {
    const v = files[path];
    if (v === undefined) throw enoent(path);
    const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
    if (bytes.byteLength > limit.bytes) throw tooLarge(path, bytes.byteLength, limit);
    return bytes;
  };
  return {
    text: async (path, limit) => new TextDecoder().decode(get(path, limit)),
    bytes: async (path, limit) => get(path, limit),
    facts: async (path) => {
      const v = files[path];
      if (v !== undefined) return { realPath: path, regular: true, size: typeof v === 'string' ? new TextEncoder().encode(v).byteLength : v.byteLength };
      if (path === '.' || Object.keys(files).some((f) => f.startsWith(`${path}/`))) return { realPath: path, regular: false, size: 0 };
      throw enoent(path);
    },
  };
}

/** True when `e` is a file-not-found error from a reader. */
export function isNotFound(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'ENOENT';
}
