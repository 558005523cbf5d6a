/**
 * Bounded looks at untrusted parsed values: how deep they nest (without recursion, so a
 * 100,000-level document cannot overflow the stack) and a short preview for messages
 * (never the whole value, which may be megabytes or nested past the stack).
 */
import { inputError, type GclipError } from '../errors.js';
import { MAX_NESTING } from './limits.js';

/** True when arrays/objects in `value` nest more than `max` levels. Iterative. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Throws `too_deeply_nested` (exit 2, naming `file`) when `doc` nests more than
 * {@link MAX_NESTING} levels.
 */
export function checkNesting(doc: unknown, file: string, what: string): void {
  if (nestsDeeperThan(doc, MAX_NESTING)) throw nestingError(file, what);
}

/** The error of {@link checkNesting}, for callers that detect depth themselves. */
export function nestingError(file: string, what: string): GclipError {
  return inputError('too_deeply_nested', { path: '', message: `${what} ${file} nests lists and mappings more than ${MAX_NESTING} levels deep`, hint: `No ${what} gclip reads needs that depth; check that this is the right file (docs/limits.md).`, source: file });
}

/**
 * A one-line preview of any value, at most `max` characters: strings quoted (cut with
 * "…"), numbers and booleans as themselves, arrays as `[3 items]`, objects as
 * `{a, b, …}`. Never "undefined" or "[object Object]", never recursive.
 */
export function preview(value: unknown, max = 60): string {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return cut(JSON.stringify(value.length > max ? value.slice(0, max) : value));
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    return cut(`{${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}}`);
  }
  return cut(String(value));
}
