/**
 * The file access `report` and `check --log` read run files through: node:fs with each file
 * held to its documented size limit (`reportLimit`: summary.json, sweep.json, or a log),
 * relative paths taken from the working directory so messages show the path as typed.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { reportLimit } from '../guard/limits.js';
import { readTextBounded } from '../guard/read-bounded.js';
import type { FileAccess } from '../log/index.js';

/** node:fs as a `FileAccess` rooted at `cwd`. */
export function fsAccess(cwd: string): FileAccess {
  return {
    readText: (p) => readTextBounded(resolve(cwd, p), reportLimit(p), p),
    kind: (p) => stat(resolve(cwd, p)).then((s) => (s.isDirectory() ? 'dir' : 'file'), () => null),
  };
}
