/**
 * A nesting check on YAML/JSON *text*, before a parser sees it: the `yaml` parser recurses
 * per level and fails (or, after a stack overflow, has crashed the process) on documents
 * nested thousands of levels deep. Counting brackets and indentation is cheap and errs on
 * the side of refusing only absurd documents.
 */

/** Deepest `[`/`{` nesting allowed in a config's text (outside quotes and comments). */
export const MAX_FLOW_DEPTH = 64;
/** Widest indentation (in columns) allowed on a config line. */
export const MAX_INDENT = 256;

/** Where a text nests too deeply, with the reason; null when it does not. */
export interface DepthFinding {
  readonly line: number;
  readonly reason: string;
}

/**
 * The first line whose indentation exceeds {@link MAX_INDENT} columns or where brackets
 * nest deeper than {@link MAX_FLOW_DEPTH} (quotes and `#` comments skipped, roughly as
 * YAML and JSON read them), or null.
 */
export function findDeepNesting(text: string): DepthFinding | null {
  let depth = 0;
  let quote: string | null = null;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = true;
      indent = 0;
      if (quote === "'") quote = null;
      continue;
    }
    if (lineStart && c === ' ') {
      if (++indent > MAX_INDENT) return { line, reason: `a line indented more than ${MAX_INDENT} columns` };
      continue;
    }
    lineStart = false;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) return { line, reason: `brackets nested more than ${MAX_FLOW_DEPTH} deep` };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return null;
}
