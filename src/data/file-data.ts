/**
 * A `data: { kind: file }` block turned into a dataset: reads the file through the
 * injected reader, decides the task when it is `auto`, and keeps the target's name.
 */
import type { FileDataConfig } from '../config/schema.js';
import { isGclipError } from '../errors.js';
import type { HostDataset, Task } from './dataset.js';
import { loadDataFile, type TextReader } from './load.js';

/** What the loss says about the task: cross-entropies mean classification, the rest regression. */
export type TaskHint = Task | null;

/**
 * Loads `config.path` (as given; `read` resolves it) with the chosen features and target.
 * The task is `config.task`, else `hint` (from the loss), else regression when the target
 * is numeric and classification when it is not (a `data_non_numeric` error on the target
 * column retries as classification). Errors are those of `loadDataFile`.
 */
export async function loadFileData(config: FileDataConfig, read: TextReader, hint: TaskHint): Promise<HostDataset> {
  const base = { ...(config.target ? { target: config.target } : {}), ...(config.features ? { features: config.features } : {}) };
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
