/**
 * Shared pieces of the log writer and readers: the run directory's file names, the
 * formats, reading options, the parsed-log shape and errors that name the file and line.
 * Light on purpose (no parsers): the training path imports it.
 */
import { inputError, type ErrorCode, type GclipError } from '../errors.js';
import type { StepRecord } from './schema.js';

/** File names inside a run directory (a contract: the JSONL sink writes them; `check --log` and `report` read them). */
export const RUN_FILES = { steps: 'steps.jsonl', config: 'config.json', summary: 'summary.json', badRows: 'bad-rows.txt' } as const;

/** Log formats `gclip check --log` reads. */
export type LogFormat = 'gclip' | 'csv' | 'hf';

/** Column names of a CSV log. Each overrides the list of common names tried by default. */
export interface ColumnOptions {
  readonly step?: string;
  readonly loss?: string;
  readonly gradNorm?: string;
  readonly lr?: string;
  readonly valLoss?: string;
}

/** How to read a log. All optional. */
export interface LogOptions {
  /** Force a format instead of guessing from the file name and content. */
  readonly format?: LogFormat;
  /** CSV column names (see `ColumnOptions`). */
  readonly columns?: ColumnOptions;
  /**
   * The max norm the foreign run clipped at (e.g. HF `max_grad_norm`). When set, a step
   * with grad norm > clipNorm is marked clipped and its postClipNorm is clipNorm; otherwise
   * the clipping of a foreign log is unknown (`ParsedLog.clipping`), its records read as
   * unclipped (postClipNorm = preClipNorm).
   */
  readonly clipNorm?: number;
}

/**
 * What a log says about clipping: `recorded` (a gclip log records it per step), `derived`
 * (a foreign log's pre-clip norms against the max norm given with `--max-grad-norm`), or
 * `unknown` (a foreign log's norms are pre-clip, HF `grad_norm` and Lightning
 * `grad_2.0_norm_total` alike, and the run's max norm was not given), or `by-design` (a
 * recorded rate set by the strategy's own options: `ClipStrategy.clipRateByDesign`).
 */
export type ClipKnowledge = 'recorded' | 'derived' | 'unknown' | 'by-design';

/** How to give a foreign run's max norm, said wherever its clip rate is unknown (check and report). */
export const MAX_GRAD_NORM_HINT = "pass --max-grad-norm X, the run's max_grad_norm (Hugging Face's default is 1.0)";

/** Why a `by-design` clip rate is shown but not judged, said wherever such a rate appears (check and report). */
export const BY_DESIGN_CLIP_RATE = "the strategy's threshold follows the gradients, so it sets this rate";

/** The clip knowledge of a log of `format` read with `options`. */
export function clipKnowledge(format: LogFormat, options: LogOptions): ClipKnowledge {
  return format === 'gclip' ? 'recorded' : options.clipNorm === undefined ? 'unknown' : 'derived';
}

/** The records of one log and what was noticed while reading it. */
export interface ParsedLog {
  readonly format: LogFormat;
  readonly records: readonly StepRecord[];
  /** Whether the clip rate can be known from this log (see `ClipKnowledge`). */
  readonly clipping: ClipKnowledge;
  /** Data-quality notes (rows skipped, step column missing, ...), for warnings. */
  readonly notes: readonly string[];
}

/** Exit-2 error for a log problem, with `file:line` as its source when the line is known. */
export function logError(
  code: ErrorCode,
  where: { file: string; line?: number; path?: string },
  message: string,
  hint?: string,
): GclipError {
  const source = where.line === undefined ? where.file : `${where.file}:${where.line}`;
  return inputError(code, { path: where.path ?? '', message, source, ...(hint ? { hint } : {}) });
}
