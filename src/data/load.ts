/**
 * Loads a data file (CSV or JSON) through an injected reader: the only file access of
 * `src/data`, so tests and host apps can pass in-memory files.
 */
import type { HostDataset } from './dataset.js';
import { parseCsvData } from './csv.js';
import { parseJsonData, type JsonDataOptions } from './json.js';
import { dataError } from './table.js';

/** Reads a whole UTF-8 text file; rejects with a Node-style error (`code: 'ENOENT'`). */
export type TextReader = (path: string) => Promise<string>;

/**
 * Reads `path` with `read` and parses it by extension: `.json` with {@link parseJsonData},
 * anything else as CSV with {@link parseCsvData} (which needs `options.target`).
 * Throws `data_not_found` (exit 2) when the file does not exist; other read failures
 * become `data_unreadable` with the system message.
 */
export async function loadDataFile(path: string, read: TextReader, options: JsonDataOptions): Promise<HostDataset> {
  let text: string;
  try {
    text = await read(path);
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ENOENT';
    const message = missing ? 'the data file does not exist' : `the data file could not be read: ${(e as Error).message}`;
    throw dataError(missing ? 'data_not_found' : 'data_unreadable', path, undefined, '', message, 'Check the path given to --data (relative to the working directory).');
  }
  if (path.toLowerCase().endsWith('.json')) return parseJsonData(text, path, options);
  if (!options.target) throw dataError('data_missing_column', path, { cells: [], line: 1 }, 'target', 'a CSV file needs a target column', 'Name it with --target.');
  return parseCsvData(text, path, { ...options, target: options.target });
}
