/**
 * A `data: { kind: file }` block turned into a dataset: reads the file through the
 * injected reader, decides the task when it is `auto`, and keeps the target's name.
 */
import type { FileDataConfig } from '../config/schema.js';
import { inputError, isGclipError } from '../errors.js';
import type { HostDataset, Task } from './dataset.js';
import { loadDataFile, type TextReader } from './load.js';
import { parseSkipRows, type SkipRows } from './skip-rows.js';

/** What the loss says about the task: cross-entropies mean classification, the rest regression. */
export type TaskHint = Task | null;

/**
 * Loads `config.path` (as given; `read` resolves it) with the chosen features and target.
 * The task is `config.task`, else `hint` (from the loss), else regression when the target
 * is numeric and classification when it is not (a `data_non_numeric` error on the target
 * column retries as classification). `config.skipRows` names rows to leave out (see
 * `data/skip-rows`). Errors are those of `loadDataFile` and the skip file's.
 */
export async function loadFileData(config: FileDataConfig, read: TextReader, hint: TaskHint): Promise<HostDataset> {
  const skip = config.skipRows === undefined ? undefined : await readSkipRows(config.skipRows, read);
  const base = { ...(config.target ? { target: config.target } : {}), ...(config.features ? { features: config.features } : {}), ...(skip ? { skip } : {}) };
  const task = config.task !== 'auto' ? config.task : hint;
  if (task) return loadDataFile(config.path, read, { ...base, task });
  try {
    return await loadDataFile(config.path, read, { ...base, task: 'regression' });
  } catch (e) {
    const onTarget = isGclipError(e) && e.code === 'data_non_numeric' && (config.target === undefined || e.issues[0]?.path.endsWith(config.target) === true);
    if (!onTarget) throw e;
    return loadDataFile(config.path, read, { ...base, task: 'classification' });
  }
}

/** Reads and parses a skip file; a missing or unreadable one is `skip_rows_not_found` (exit 2). */
async function readSkipRows(path: string, read: TextReader): Promise<SkipRows> {
  let text: string;
  try {
    text = await read(path);
  } catch (e) {
    if (isGclipError(e)) throw e;
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw inputError('skip_rows_not_found', {
      path: 'data.skipRows',
      message: missing ? `the skip file ${path} does not exist` : `the skip file ${path} could not be read: ${(e as Error).message}`,
      hint: "Pass the bad-rows.txt a run wrote (e.g. --skip-rows runs/<run>/bad-rows.txt), with its path relative to the working directory.",
      source: '--skip-rows',
    });
  }
  return parseSkipRows(text, path);
}
