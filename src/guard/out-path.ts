/**
 * Output locations derived from user data stay under the folder they belong to: a run
 * name becomes one path segment of `runs/` or `sweeps/`, never a way out of it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { inputError } from '../errors.js';
import { RUN_NAME_RULE } from './run-name.js';

/**
 * `base/segment`, resolved, after checking that it stays strictly inside `base`. `field`
 * names the config field the segment came from, for the error (`name`).
 *
 * Throws `unsafe_output_path` (exit 2) when the result is `base` itself or outside it
 * (a segment with `..`, a separator, or an absolute path).
 */
export function childPath(base: string, segment: string, field: string): string {
  const root = resolve(base);
  const full = resolve(root, segment);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.includes('/') || rel.includes('\\')) {
    throw inputError('unsafe_output_path', {
      path: field,
      message: `${field} ${JSON.stringify(segment)} would place output at ${full}, outside ${root}`,
      hint: `Use ${RUN_NAME_RULE}.`,
    });
  }
  return full;
}

/**
 * Checks, before any work, that a file can be written at `path` (an absolute path): it is
 * not a directory, and its nearest existing ancestor is a writable directory, so the
 * folders in between can be created. `flag` names the option it came from (`--junit`).
 *
 * Throws `output_unwritable` (exit 2) naming the flag and the path: a part of the path is
 * a file (`--junit /dev/null/x.xml`), the path is a directory, or the folder is read-only.
 */
export function checkOutputFile(path: string, flag: string): void {
  const fail = (why: string): never => {
    throw inputError('output_unwritable', { path: '', message: `${flag} ${path}: ${why}`, hint: `Pass ${flag} a file path inside a writable folder.`, source: flag });
  };
  const existing = statOrNull(path);
  if (existing?.isDirectory()) fail('is a directory');
  let dir = dirname(path);
  for (;;) {
    const st = statOrNull(dir);
    if (st !== undefined) {
      if (!st.isDirectory()) fail(`${dir} is not a folder`);
      try {
        accessSync(dir, constants.W_OK);
      } catch {
        fail(`the folder ${dir} is not writable`);
      }
      return;
    }
    dir = dirname(dir);
  }
}

/** stat, or undefined when nothing is there (also when a parent is a file: ENOTDIR). */
function statOrNull(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
