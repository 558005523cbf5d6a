/**
 * Parsing a run file's JSON (summary.json, sweep.json, a baseline, trainer_state.json) with
 * JSON5, which reads the bare `NaN`/`Infinity` Python's `json.dump` writes and, unlike
 * JSON.parse, says at which line it stopped: each reader turns that into its own exit-2
 * error naming `file:line`.
 */
import JSON5 from 'json5';

/** Why a text is not JSON: the parser's message (without its `JSON5: ` prefix) and the 1-based line where it stopped, when known. */
export interface JsonSyntax {
  readonly reason: string;
  readonly line?: number;
}

/**
 * Parses `text` as JSON5 (`reviver` as JSON.parse's, e.g. `decodeNumbers`), or throws the
 * error `fail` builds from the syntax error.
 */
export function parseJson5(text: string, fail: (syntax: JsonSyntax) => Error, reviver?: (key: string, value: unknown) => unknown): unknown {
  try {
    return JSON5.parse(text, reviver);
  } catch (e) {
    const err = e as Error & { lineNumber?: number };
    const reason = err.message.replace(/^JSON5: /, '');
    throw fail(err.lineNumber ? { reason, line: err.lineNumber } : { reason });
  }
}
