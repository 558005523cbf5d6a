/**
 * Turns a training log into `StepRecord[]` for `gclip check --log` and `gclip report`:
 * gclip's `steps.jsonl`, a CSV (Lightning `metrics.csv` included) or a Hugging Face
 * `trainer_state.json`. Parsing is pure (text + file name in); `loadLog` reads through an
 * injected reader.
 */
import { inputError, isGclipError } from '../errors.js';
import { parseCsvLog } from './csv.js';
import { parseTrainerState } from './hf.js';
import { parseGclipJsonl } from './jsonl.js';
import type { LogFormat, LogOptions, ParsedLog } from './types.js';

/**
 * The format of a log: `options.format` if given; else by extension (`.jsonl`/`.ndjson` →
 * gclip, `.csv`/`.tsv` → csv, `.json` → hf); else by content (`{` with `"log_history"` → hf,
 * a first line starting with `{` → gclip, otherwise csv).
 */
export function detectLogFormat(text: string, file: string, options: LogOptions = {}): LogFormat {
  if (options.format) return options.format;
  const name = file.toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(name)) return 'gclip';
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (name.endsWith('.json')) return 'hf';
  const head = text.trimStart();
  if (head.startsWith('{')) return /"log_history"/.test(text) ? 'hf' : 'gclip';
  return 'csv';
}

/**
 * Parses a log's text into records. `file` is used to pick the format and in error
 * sources. Throws GclipError (exit 2) naming the file and line for bad JSON, a missing
 * required column (listing the columns found), a non-numeric value or no usable row.
 *
 * @example
 * const { records } = parseLog('step,loss,grad_norm\n1,0.9,1.2\n', 'metrics.csv');
 * // records[0]: { step: 1, loss: 0.9, preClipNorm: 1.2, postClipNorm: 1.2, clipped: false, ... }
 */
export function parseLog(text: string, file: string, options: LogOptions = {}): ParsedLog {
  switch (detectLogFormat(text, file, options)) {
    case 'gclip':
      return parseGclipJsonl(text, file);
    case 'csv':
      return parseCsvLog(text, file, options);
    case 'hf':
      return parseTrainerState(text, file, options);
  }
}

/** Reads a file's text; the CLI passes `(p) => fs.promises.readFile(p, 'utf8')`. */
export type TextReader = (path: string) => Promise<string>;

/**
 * Reads `file` with `read` and parses it (see `parseLog`). A missing or unreadable file is
 * a GclipError `file_not_found` / `file_unreadable` (exit 2).
 */
export async function loadLog(file: string, read: TextReader, options: LogOptions = {}): Promise<ParsedLog> {
  let text: string;
  try {
    text = await read(file);
  } catch (e) {
    if (isGclipError(e)) throw e;
    const code = (e as { code?: string }).code;
    const missing = code === 'ENOENT';
    const detail = e instanceof Error ? e.message : String(e);
    throw inputError(missing ? 'file_not_found' : 'file_unreadable', {
      path: '',
      message: missing ? `log file not found: ${file}` : `cannot read log file ${file}: ${detail}`,
      hint: 'Pass the path of a steps.jsonl, metrics.csv or trainer_state.json with --log.',
      source: '--log',
    });
  }
  return parseLog(text, file, options);
}
