/**
 * The injected file access of model and data loading (style.md §4): text for model.json
 * and data files, bytes for weight shards. Tests pass {@link memoryFiles}.
 */
import { readFile } from 'node:fs/promises';

/** Reads whole files; both reject with a Node-style error (`code: 'ENOENT'`) when absent. */
export interface FileReader {
  text(path: string): Promise<string>;
  bytes(path: string): Promise<Uint8Array>;
}

/** Reads from the local file system. */
export const nodeFileReader: FileReader = {
  text: (path) => readFile(path, 'utf8'),
  bytes: async (path) => new Uint8Array(await readFile(path)),
};

/** An in-memory reader over `files` (path → text or bytes), for tests and host apps. */
export function memoryFiles(files: Readonly<Record<string, string | Uint8Array>>): FileReader {
  const get = (path: string): string | Uint8Array => {
    const v = files[path];
    if (v === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return v;
  };
  return {
    text: async (path) => {
      const v = get(path);
      return typeof v === 'string' ? v : new TextDecoder().decode(v);
    },
    bytes: async (path) => {
      const v = get(path);
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    },
  };
}

/** True when `e` is a file-not-found error from a reader. */
export function isNotFound(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'ENOENT';
}
