/**
 * Resolves what `gclip report PATH` was pointed at and reads it through an injected file
 * access: a run directory (read by `log/`), a sweep file (a JSON object with `points`), or
 * a step log in any format `log/` reads.
 */
import { basename, join } from 'node:path';
import { inputError } from '../../errors.js';
import { decodeNumbers, loadRunDir, parseLog, readOrFail, RUN_FILES, withOutcomeBeside, type ClipKnowledge, type FileAccess, type LogFormat, type LogOptions, type RunDirLog, type RunOutcome, type StepRecord } from '../../log/index.js';
import { looksLikeSweep, parseSweep, sweepOverview, type SweepOverview } from './sweep.js';

/** File access for `loadReportInput` (the CLI passes node:fs; tests pass a map). */
export type ReportReader = FileAccess;

/** What was loaded: a run's records, or a sweep. */
export type ReportInput =
  | {
      readonly kind: 'run';
      readonly source: string;
      readonly format: LogFormat;
      readonly clipping: ClipKnowledge;
      readonly records: readonly StepRecord[];
      readonly outcome: RunOutcome | null;
      /** What the reader left out, one warning each (a torn last line, with file and line). */
      readonly notes?: readonly string[];
    }
  | { readonly kind: 'sweep'; readonly source: string; readonly sweep: SweepOverview };

/** The sweep file name inside a sweep output directory. */
export const SWEEP_FILE = 'sweep.json';

const PASS_HINT = 'Pass a run directory written by `gclip train --out`, a steps.jsonl or a sweep.json.';

function runInput({ source, log, outcome }: RunDirLog): ReportInput {
  return { kind: 'run', source, format: log.format, clipping: log.clipping, records: log.records, outcome, notes: log.notes };
}

async function loadDir(dir: string, reader: ReportReader): Promise<ReportInput> {
  const run = await loadRunDir(dir, reader);
  if (run) return runInput(run);
  if ((await reader.kind(join(dir, SWEEP_FILE))) === 'file') return loadFile(join(dir, SWEEP_FILE), reader);
  throw inputError('not_a_run_dir', { path: '', message: `${dir} has no ${RUN_FILES.steps} or ${SWEEP_FILE}`, source: dir, hint: PASS_HINT });
}

/**
 * The sweep in `text` when `file` holds one, parsed once: a sweep.json (bad JSON there is a
 * sweep error with its line), or another .json/.json5 file whose JSON is an object with a
 * `points` array; else null, and the file is read as a log (a trainer_state.json).
 */
function sweepIn(text: string, file: string): SweepOverview | null {
  if (!/\.json5?$/i.test(file)) return null;
  if (basename(file).toLowerCase() === SWEEP_FILE) return parseSweep(text, file);
  let doc: unknown;
  try {
    doc = JSON.parse(text, decodeNumbers);
  } catch {
    return null;
  }
  return looksLikeSweep(doc) ? sweepOverview(doc, file) : null;
}

async function loadFile(file: string, reader: ReportReader, options: LogOptions = {}): Promise<ReportInput> {
  const text = await readOrFail(reader, file);
  const sweep = sweepIn(text, file);
  if (sweep) return { kind: 'sweep', source: file, sweep };
  // A run's steps.jsonl reports as its directory does: with the summary.json beside it (as check --log reads it).
  return runInput(await withOutcomeBeside(file, parseLog(text, file, options), reader));
}

/**
 * Loads `path` for reporting. Throws GclipError (exit 2): `file_not_found` when nothing is
 * there, `not_a_run_dir` for a directory without steps.jsonl or sweep.json, and the
 * parser's errors (file:line) for malformed logs, including an empty one. `options` apply
 * to a foreign log (`clipNorm`: the max norm its run clipped at).
 */
export async function loadReportInput(path: string, reader: ReportReader, options: LogOptions = {}): Promise<ReportInput> {
  const kind = await reader.kind(path);
  if (kind === null) {
    throw inputError('file_not_found', { path: '', message: `nothing to report at ${path}: no such file or directory`, source: path, hint: PASS_HINT });
  }
  return kind === 'dir' ? loadDir(path, reader) : loadFile(path, reader, options);
}
