/**
 * Output locations derived from user data stay under the folder they belong to: a run
 * name becomes one path segment of `runs/` or `sweeps/`, never a way out of it.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { inputError } from '../errors.js';

/**
 * What a run name may be: 1 to 100 of `A–Z a–z 0–9 . _ -`, starting with a letter or
 * digit. So it is one path segment on every OS (no `/`, `\`, `..`, drive letters, control
 * characters or leading dot).
 */
export const RUN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** What {@link RUN_NAME_PATTERN} allows, as the noun phrase of "expected …" in errors. */
export const RUN_NAME_RULE = "a name of 1 to 100 letters, digits, '.', '_' or '-' that starts with a letter or digit (it names a folder under runs/ and sweeps/)";

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
