/**
 * Shared pieces of the log readers: options, the parsed-log shape, errors that name the
 * file and line, number cells, and the StepRecord a foreign log's row becomes.
 */
import { inputError, type ErrorCode, type GclipError } from '../errors.js';
import type { RunEvent, StepRecord } from '../record.js';

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
   * foreign records are unclipped (postClipNorm = preClipNorm).
   */
  readonly clipNorm?: number;
}

/** The records of one log and what was noticed while reading it. */
export interface ParsedLog {
  readonly format: LogFormat;
  readonly records: readonly StepRecord[];
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

const NAMED: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A CSV cell as a number: decimal or exponent notation, or nan/inf/infinity in any case
 * (Python writes `nan` and `inf`). Empty → undefined (a sparse row); anything else → null.
 */
export function parseNumberCell(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const named = NAMED[t.toLowerCase()];
  if (named !== undefined) return named;
  return DECIMAL.test(t) ? Number(t) : null;
}

/** What a foreign log knows about one step. */
export interface ForeignStep {
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly lr?: number;
  readonly valLoss?: number;
  readonly layerNorms?: Readonly<Record<string, number>>;
}

/**
 * A StepRecord for a step of a foreign log. Unknown fields: lr NaN when not logged,
 * wallMs 0, not skipped; unclipped (postClipNorm = preClipNorm, coefficient 1) unless
 * `clipNorm` is given (then coefficient = clipNorm / norm when norm > clipNorm, as the
 * exact-semantics clip). Events: one `nonfinite` event when loss or grad norm is NaN/±Inf.
 */
export function foreignRecord(s: ForeignStep, clipNorm?: number): StepRecord {
  const clipped = clipNorm !== undefined && s.gradNorm > clipNorm;
  const what = [
    ...(Number.isFinite(s.loss) ? [] : (['loss'] as const)),
    ...(Number.isFinite(s.gradNorm) ? [] : (['grad_norm'] as const)),
  ];
  const events: RunEvent[] = what.length > 0 ? [{ kind: 'nonfinite', step: s.step, what, layer: null }] : [];
  return {
    step: s.step,
    loss: s.loss,
    preClipNorm: s.gradNorm,
    postClipNorm: clipped ? clipNorm : s.gradNorm,
    clipCoef: clipped ? clipNorm / s.gradNorm : 1,
    clipped,
    threshold: clipNorm ?? null,
    layerNorms: s.layerNorms ?? {},
    layerNormsPost: {},
    lr: s.lr ?? Number.NaN,
    valLoss: s.valLoss ?? null,
    events,
    skipped: false,
    wallMs: 0,
  };
}
