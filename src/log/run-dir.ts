/**
 * A gclip run directory as a log: its file names (written by the JSONL sink), and reading
 * it back, `steps.jsonl` plus the outcome from `summary.json` when present, through an
 * injected file access.
 */
import { join } from 'node:path';
import JSON5 from 'json5';
import { inputError } from '../errors.js';
import { decodeNumbers } from './codec.js';
import { parseGclipJsonl } from './jsonl.js';
import { RUN_FILES, type ParsedLog } from './types.js';

/** File access for reading run directories (the CLI passes node:fs; tests pass a map). */
export interface FileAccess {
  /** A file's text. Rejections carry Node's `code` (ENOENT, EACCES, ...). */
  readText(path: string): Promise<string>;
  /** 'dir', 'file', or null when nothing is at `path`. */
  kind(path: string): Promise<'dir' | 'file' | null>;
}

/** What `summary.json` adds to a run's records (fields it lacks read as unknown/null). */
export interface RunOutcome {
  readonly status: string;
  readonly reason: string | null;
  readonly backend: string | null;
}

/** A run directory read back. */
export interface RunDirLog {
  /** Path of its `steps.jsonl`. */
  readonly source: string;
  readonly log: ParsedLog;
  /** From `summary.json`, or null when the run left none (it was interrupted). */
  readonly outcome: RunOutcome | null;
}

/** A file's text; a failure is a GclipError `file_unreadable` (exit 2) naming the file. */
export async function readOrFail(access: FileAccess, file: string): Promise<string> {
  try {
    return await access.readText(file);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw inputError('file_unreadable', { path: '', message: `cannot read ${file}: ${detail}`, source: file });
  }
}

/**
 * The outcome fields of a `summary.json` text. Throws GclipError `summary_bad_json` (exit 2,
 * with file:line) when it is not JSON; unknown or missing fields are ignored.
 */
export function parseRunOutcome(text: string, file: string): RunOutcome {
  let doc: { status?: unknown; reason?: unknown; backend?: unknown };
  try {
    doc = JSON5.parse(text, decodeNumbers) as typeof doc;
  } catch (e) {
    const err = e as Error & { lineNumber?: number };
    const source = err.lineNumber ? `${file}:${err.lineNumber}` : file;
    throw inputError('summary_bad_json', { path: '', message: `summary is not valid JSON: ${err.message.replace(/^JSON5: /, '')}`, source, hint: 'Delete or fix summary.json; the report reads steps.jsonl either way.' });
  }
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return { status: str(doc?.status) ?? 'unknown', reason: str(doc?.reason), backend: str(doc?.backend) };
}

/**
 * Reads the run directory `dir`: null when it has no `steps.jsonl` (not a run directory),
 * else its records and outcome. Throws the JSONL reader's errors (file:line) for a
 * malformed or empty log.
 */
export async function loadRunDir(dir: string, access: FileAccess): Promise<RunDirLog | null> {
  const steps = join(dir, RUN_FILES.steps);
  if ((await access.kind(steps)) !== 'file') return null;
  const summary = join(dir, RUN_FILES.summary);
  const outcome = (await access.kind(summary)) === 'file' ? parseRunOutcome(await readOrFail(access, summary), summary) : null;
  return { source: steps, log: parseGclipJsonl(await readOrFail(access, steps), steps), outcome };
}
