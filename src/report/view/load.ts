/**
 * Resolves what `gclip report PATH` was pointed at and reads it through an injected reader:
 * a run directory (steps.jsonl, plus summary.json when present), a sweep file (a JSON
 * object with `points`), or a step log in any format the injected parser reads.
 */
import { basename, join } from 'node:path';
import JSON5 from 'json5';
import { inputError, isGclipError } from '../../errors.js';
import type { StepRecord } from '../../record.js';
import { decodeNumbers } from '../codec.js';
import { RUN_FILES } from '../sinks/jsonl.js';
import { looksLikeSweep, parseSweep, type SweepReport } from './sweep.js';
import type { RunOutcome } from './summary.js';

/** File access for `loadReportInput` (the CLI passes node:fs; tests pass a map). */
export interface ReportReader {
  /** A file's text. Rejections carry Node's `code` (ENOENT, EACCES, ...). */
  readText(path: string): Promise<string>;
  /** 'dir', 'file', or null when nothing is at `path`. */
  kind(path: string): Promise<'dir' | 'file' | null>;
}

/**
 * Parses a step log's text into records, throwing GclipError (exit 2) naming file:line.
 * The CLI passes `check`'s log reader, so gclip JSONL, CSV and HF trainer_state all work.
 */
export type StepsParser = (text: string, file: string) => readonly StepRecord[];

/** What was loaded: a run's records, or a sweep. */
export type ReportInput =
  | { readonly kind: 'run'; readonly source: string; readonly records: readonly StepRecord[]; readonly outcome: RunOutcome | null }
  | { readonly kind: 'sweep'; readonly source: string; readonly sweep: SweepReport };

/** The sweep file name inside a sweep output directory. */
export const SWEEP_FILE = 'sweep.json';

async function readOrFail(reader: ReportReader, file: string): Promise<string> {
  try {
    return await reader.readText(file);
  } catch (e) {
    if (isGclipError(e)) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw inputError('file_unreadable', { path: '', message: `cannot read ${file}: ${detail}`, source: file });
  }
}

function parseOutcome(text: string, file: string): RunOutcome {
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

async function loadRunDir(dir: string, reader: ReportReader, parseSteps: StepsParser): Promise<ReportInput> {
  const steps = join(dir, RUN_FILES.steps);
  if ((await reader.kind(steps)) !== 'file') {
    if ((await reader.kind(join(dir, SWEEP_FILE))) === 'file') return loadFile(join(dir, SWEEP_FILE), reader, parseSteps);
    throw inputError('not_a_run_dir', {
      path: '',
      message: `${dir} has no ${RUN_FILES.steps} or ${SWEEP_FILE}`,
      source: dir,
      hint: 'Pass a run directory written by `gclip train --out`, a steps.jsonl or a sweep.json.',
    });
  }
  const summary = join(dir, RUN_FILES.summary);
  const outcome = (await reader.kind(summary)) === 'file' ? parseOutcome(await readOrFail(reader, summary), summary) : null;
  return { kind: 'run', source: steps, records: parseSteps(await readOrFail(reader, steps), steps), outcome };
}

function sweepCandidate(text: string, file: string): boolean {
  if (!/\.json5?$/i.test(file)) return false;
  if (basename(file).toLowerCase() === SWEEP_FILE) return true;
  try {
    return looksLikeSweep(JSON.parse(text));
  } catch {
    return false;
  }
}

async function loadFile(file: string, reader: ReportReader, parseSteps: StepsParser): Promise<ReportInput> {
  const text = await readOrFail(reader, file);
  if (sweepCandidate(text, file)) return { kind: 'sweep', source: file, sweep: parseSweep(text, file) };
  return { kind: 'run', source: file, records: parseSteps(text, file), outcome: null };
}

/**
 * Loads `path` for reporting. Throws GclipError (exit 2): `file_not_found` when nothing is
 * there, `not_a_run_dir` for a directory without steps.jsonl or sweep.json, and the
 * parser's errors (file:line) for malformed logs, including an empty one.
 */
export async function loadReportInput(path: string, reader: ReportReader, parseSteps: StepsParser): Promise<ReportInput> {
  const kind = await reader.kind(path);
  if (kind === null) {
    throw inputError('file_not_found', {
      path: '',
      message: `nothing to report at ${path}: no such file or directory`,
      source: path,
      hint: 'Pass a run directory written by `gclip train --out`, a steps.jsonl or a sweep.json.',
    });
  }
  return kind === 'dir' ? loadRunDir(path, reader, parseSteps) : loadFile(path, reader, parseSteps);
}
