/**
 * Errors that cross the library boundary. Issues are data; `cli/render/errors.ts`
 * is the only place that turns them into text.
 */

/** Where a problem was found: `file:line`, `--flag`, or a plain label. */
export interface Issue {
  /** Dotted field path (`clip.maxNorm`), or '' when the whole input is at fault. */
  readonly path: string;
  /** What is wrong, including expected and received values where known. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
  /** `configs/run.yaml:7`, `--clip-norm`, `fixtures/data.csv:12:3`. */
  readonly source?: string;
}

/** Exit codes documented in `--help` and the README. */
export const EXIT = { ok: 0, unstable: 1, badInput: 2, internal: 3 } as const;

/**
 * The error type gclip throws on purpose. `code` is a stable snake_case literal
 * (`invalid_config`, `file_not_found`, ...); `exitCode` is 2 for bad input, 3 for an
 * internal invariant violation.
 */
export class GclipError extends Error {
  readonly code: string;
  readonly exitCode: 2 | 3;
  readonly issues: readonly Issue[];

  constructor(code: string, issues: readonly Issue[], exitCode: 2 | 3 = 2) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') || code);
    this.name = 'GclipError';
    this.code = code;
    this.exitCode = exitCode;
    this.issues = issues;
  }
}

/** A user input problem (exit 2) with a single issue. */
export function inputError(code: string, issue: Issue): GclipError {
  return new GclipError(code, [issue], 2);
}

/** An invariant violation inside gclip (exit 3). */
export function internalError(code: string, message: string): GclipError {
  return new GclipError(code, [{ path: '', message }], 3);
}

/** True when `e` is a GclipError (also across module copies). */
export function isGclipError(e: unknown): e is GclipError {
  return e instanceof GclipError || (e instanceof Error && e.name === 'GclipError' && 'issues' in e);
}
