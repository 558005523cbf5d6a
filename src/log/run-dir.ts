/**
 * A gclip run directory as a log: its file names (written by the JSONL sink), and reading
 * it back, `steps.jsonl` plus the outcome from `summary.json` when present, through an
 * injected file access.
 */
import { basename, dirname, join } from 'node:path';
import { inputError, isGclipError } from '../errors.js';
import { decodeNumbers } from './codec.js';
import { parseJson5 } from './json5.js';
import { parseGclipJsonl } from './jsonl.js';
import { parseRunSettingsField, runSettings, settingRows, type RunSettings } from './settings.js';
import { logError, RUN_FILES, type ParsedLog } from './types.js';

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
  /** Where the policy acted (skip or halt), or null (older summaries: null). */
  readonly policyStep: number | null;
  /** The run's hints (normalisation, first gradients, ...). */
  readonly hints: readonly string[];
  /** Training settings and their sources as label/value rows (`settingRows`); empty when the run recorded none. */
  readonly settings: readonly (readonly [string, string])[];
  /** Whether the run's strategy set its own clip rate (`RunSummary.clipRateByDesign`; older summaries: false). */
  readonly clipRateByDesign: boolean;
}

/** A run's log read back with its outcome (a run directory, or a log and the summary beside it). */
export interface RunDirLog {
  /** Path of its `steps.jsonl` (or of the log file read). */
  readonly source: string;
  /** Its records; `clipping` is `by-design` when the outcome says the strategy sets its clip rate. */
  readonly log: ParsedLog;
  /** From `summary.json`, or null when the run left none (it was interrupted). */
  readonly outcome: RunOutcome | null;
}

/** A file's text; a failure is a GclipError `file_unreadable` (exit 2) naming the file. */
export async function readOrFail(access: FileAccess, file: string): Promise<string> {
  try {
    return await access.readText(file);
  } catch (e) {
    // The reader's own refusals (file_too_large, not_a_regular_file) stay as they are.
    if (isGclipError(e)) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw inputError('file_unreadable', { path: '', message: `cannot read ${file}: ${detail}`, source: file });
  }
}

/**
 * The outcome fields of a `summary.json` text. Throws GclipError `summary_bad_json` (exit 2,
 * with file:line) when it is not JSON; unknown or missing fields are ignored.
 */
export function parseRunOutcome(text: string, file: string): RunOutcome {
  const doc = parseJson5(
    text,
    ({ reason, line }) => logError('summary_bad_json', { file, line }, `summary is not valid JSON: ${reason}`, 'Delete or fix summary.json; the report reads steps.jsonl either way.'),
    decodeNumbers,
  ) as { status?: unknown; reason?: unknown; backend?: unknown; policyStep?: unknown; hints?: unknown; settings?: unknown; clipRateByDesign?: unknown } | null;
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const settings = parseRunSettingsField(doc?.settings);
  const hints = Array.isArray(doc?.hints) ? doc.hints.filter((h): h is string => typeof h === 'string') : [];
  const policyStep = typeof doc?.policyStep === 'number' ? doc.policyStep : null;
  return {
    status: str(doc?.status) ?? 'unknown',
    reason: str(doc?.reason),
    backend: str(doc?.backend),
    policyStep,
    hints,
    settings: settings ? settingRows(settings) : [],
    clipRateByDesign: doc?.clipRateByDesign === true,
  };
}

/**
 * The training settings of a `config.json` text (a run's resolved config and its
 * `provenance`), for runs whose summary.json predates `settings`; null when the text is
 * not a JSON object (the report still reads the steps).
 */
export function parseRunSettings(text: string): RunSettings | null {
  try {
    const doc = parseJson5(text, (syntax) => new Error(syntax.reason), decodeNumbers);
    return runSettings(doc, (doc as { provenance?: unknown } | null)?.provenance);
  } catch {
    return null;
  }
}

/**
 * The outcome of the run directory `dir`: its `summary.json`, with the settings of its
 * `config.json` for runs whose summary predates them; null when it has no summary.json.
 * Throws `summary_bad_json` / `file_unreadable` (exit 2) naming the file.
 */
async function readRunOutcome(dir: string, access: FileAccess): Promise<RunOutcome | null> {
  const summary = join(dir, RUN_FILES.summary);
  if ((await access.kind(summary)) !== 'file') return null;
  const read = parseRunOutcome(await readOrFail(access, summary), summary);
  const config = join(dir, RUN_FILES.config);
  // Runs from before summary.json recorded its settings: read them from config.json.
  const older = read.settings.length === 0 && (await access.kind(config)) === 'file' ? parseRunSettings(await readOrFail(access, config)) : null;
  return older ? { ...read, settings: settingRows(older) } : read;
}

/** A gclip log with its run's outcome: a strategy that sets its own clip rate makes the rate `by-design`. */
function withOutcome(source: string, log: ParsedLog, outcome: RunOutcome | null): RunDirLog {
  const byDesign = log.format === 'gclip' && outcome?.clipRateByDesign === true;
  return { source, log: byDesign ? { ...log, clipping: 'by-design' } : log, outcome };
}

/**
 * Reads the run directory `dir`: null when it has no `steps.jsonl` (not a run directory),
 * else its records and outcome. Throws the JSONL reader's errors (file:line) for a
 * malformed or empty log, and `summary_bad_json` for a malformed summary.json.
 */
export async function loadRunDir(dir: string, access: FileAccess): Promise<RunDirLog | null> {
  const steps = join(dir, RUN_FILES.steps);
  if ((await access.kind(steps)) !== 'file') return null;
  const outcome = await readRunOutcome(dir, access);
  return withOutcome(steps, parseGclipJsonl(await readOrFail(access, steps), steps), outcome);
}

/**
 * A log read on its own (`check --log FILE`, `report FILE`) with the outcome recorded
 * beside it: for a gclip log named `steps.jsonl` (the name a run directory gives it), the
 * `summary.json` in its directory, read as `loadRunDir` reads it, so a run's `steps.jsonl` is judged as its run directory is (an AutoClip or AGC
 * run's clip rate is `by-design`). A foreign log, or a summary that is missing (copied
 * out of its run directory, or interrupted), unreadable or malformed, gives outcome null
 * and the log as recorded: the summary is context here, not the subject. A log under any
 * other name (`logs/a.jsonl`, a copy) is never paired with a summary that may be another
 * run's.
 */
export async function withOutcomeBeside(file: string, log: ParsedLog, access: FileAccess): Promise<RunDirLog> {
  if (log.format !== 'gclip' || basename(file) !== RUN_FILES.steps) return withOutcome(file, log, null);
  const outcome = await readRunOutcome(dirname(file), access).catch(() => null);
  return withOutcome(file, log, outcome);
}
