/**
 * A gclip run directory as a log: its file names (written by the JSONL sink), and reading
 * it back, `steps.jsonl` plus the outcome from `summary.json` when present, through an
 * injected file access.
 */
import { join } from 'node:path';
import JSON5 from 'json5';
import { inputError, isGclipError } from '../errors.js';
import { decodeNumbers } from './codec.js';
import { parseGclipJsonl } from './jsonl.js';
import { parseRunSettingsField, runSettings, settingRows, type RunSettings } from './settings.js';
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
  /** Where the policy acted (skip or halt), or null (older summaries: null). */
  readonly policyStep: number | null;
  /** The run's hints (normalisation, first gradients, ...). */
  readonly hints: readonly string[];
  /** Training settings and their sources as label/value rows (`settingRows`); empty when the run recorded none. */
  readonly settings: readonly (readonly [string, string])[];
  /** Whether the run's strategy set its own clip rate (`RunSummary.clipRateByDesign`; older summaries: false). */
  readonly clipRateByDesign: boolean;
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
  let doc: { status?: unknown; reason?: unknown; backend?: unknown; policyStep?: unknown; hints?: unknown; settings?: unknown; clipRateByDesign?: unknown };
  try {
    doc = JSON5.parse(text, decodeNumbers) as typeof doc;
  } catch (e) {
    const err = e as Error & { lineNumber?: number };
    const source = err.lineNumber ? `${file}:${err.lineNumber}` : file;
    throw inputError('summary_bad_json', { path: '', message: `summary is not valid JSON: ${err.message.replace(/^JSON5: /, '')}`, source, hint: 'Delete or fix summary.json; the report reads steps.jsonl either way.' });
  }
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
    const doc = JSON5.parse(text, decodeNumbers) as unknown;
    return runSettings(doc, (doc as { provenance?: unknown } | null)?.provenance);
  } catch {
    return null;
  }
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
  const read = (await access.kind(summary)) === 'file' ? parseRunOutcome(await readOrFail(access, summary), summary) : null;
  const config = join(dir, RUN_FILES.config);
  // Runs from before summary.json recorded its settings: read them from config.json.
  const older = read !== null && read.settings.length === 0 && (await access.kind(config)) === 'file' ? parseRunSettings(await readOrFail(access, config)) : null;
  const outcome = read && (older ? { ...read, settings: settingRows(older) } : read);
  return { source: steps, log: parseGclipJsonl(await readOrFail(access, steps), steps), outcome };
}
