/**
 * The only error formatter: GclipError issues become one block each; anything else is an
 * internal error with a request to report it. Text only; the caller writes it.
 */
import type { ChalkInstance } from 'chalk';
import { isGclipError, type Issue } from '../../errors.js';
import { neutralize } from '../../guard/neutralize.js';

/** How to render: the colour instance (see `createColor`) and whether `--debug` was given. */
export interface RenderErrorOptions {
  readonly color: ChalkInstance;
  readonly debug: boolean;
}

const REPORT = 'This is a bug in gclip; please report it with the command you ran';

/**
 * Renders any thrown value for the terminal, without a trailing newline.
 *
 * A GclipError prints one block per issue: `✖ <message>`, `  at <path> (<source>)` and
 * `  → <hint>`; lines with nothing to show are left out. Bad input (exit 2) never shows
 * a stack trace. Internal errors (GclipError with exit 3, or any other value) add a
 * request to report them, and their stack only when `debug` is set.
 */
export function renderError(error: unknown, options: RenderErrorOptions): string {
  const c = options.color;
  if (isGclipError(error) && error.exitCode === 2) {
    return blocksOf(error.issues, error.message).map((issue) => renderIssue(issue, c)).join('\n');
  }
  const lines = isGclipError(error)
    ? blocksOf(error.issues, error.message).map((issue) => renderIssue(issue, c))
    : [`${c.red.bold('✖')} Internal error: ${neutralize(messageOf(error))}`];
  lines.push(c.dim(`  ${REPORT}${options.debug ? '.' : ' (rerun with --debug for the stack trace).'}`));
  const stack = error instanceof Error ? error.stack : undefined;
  if (options.debug && stack) lines.push(c.dim(stack));
  return lines.join('\n');
}

/**
 * The process exit code for a thrown value: the GclipError's own (2 bad input, 3
 * internal), and 3 for anything else.
 */
export function exitCodeOf(error: unknown): 2 | 3 {
  return isGclipError(error) ? error.exitCode : 3;
}

function blocksOf(issues: readonly Issue[], fallback: string): readonly Issue[] {
  return issues.length > 0 ? issues : [{ path: '', message: fallback }];
}

function renderIssue(raw: Issue, c: ChalkInstance): string {
  // Messages carry file, column, layer and key names from the input.
  const issue = { message: neutralize(raw.message), path: neutralize(raw.path), source: raw.source && neutralize(raw.source), hint: raw.hint && neutralize(raw.hint) };
  const lines = [`${c.red.bold('✖')} ${issue.message || 'Invalid input'}`];
  const where = [issue.path && c.bold(issue.path), issue.source && (issue.path ? `(${issue.source})` : issue.source)];
  const at = where.filter(Boolean).join(' ');
  if (at) lines.push(`  ${c.dim('at')} ${at}`);
  if (issue.hint) lines.push(c.cyan(`  → ${issue.hint}`));
  return lines.join('\n');
}

/** A one-line description of any thrown value; never "undefined" or "[object Object]". */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string' && error) return error;
  try {
    const json = JSON.stringify(error);
    if (json && json !== '{}') return json;
  } catch {
    // Circular or BigInt values: fall through to the generic text.
  }
  if (error === undefined) return 'an error without a value was thrown';
  return `a non-error value was thrown (${error === null ? 'null' : typeof error})`;
}
