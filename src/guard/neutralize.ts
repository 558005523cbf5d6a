/**
 * The one neutraliser of user-controlled text (file, column, layer and key names, run
 * statuses and reasons read from logs) on its way to a terminal, a CI log, a GitHub
 * workflow command, JUnit XML or HTML. Control characters would move the cursor, recolour
 * or clear the screen (ANSI escapes arrive even with NO_COLOR), and a newline would start
 * a line of its own, which the GitHub runner reads as a command (`::error::…`), as it
 * reads `##[command]` anywhere in a line. Each is written visibly instead: `\n`, `\x1b`,
 * `##\x5b`, so the text stays readable and nothing is hidden.
 *
 * Renderers call {@link neutralizeDeep} on the data they draw (or {@link neutralize} on a
 * string they print); the output-format escapers (GitHub's `%0A`, XML and HTML entities)
 * then apply on top, each for its own syntax.
 */

// C0 and C1 controls (newline, carriage return, ESC, the 8-bit CSI 0x9b...), DEL, the
// Unicode line and paragraph separators, bidirectional overrides and isolates (which
// reorder what a reader sees), and the runner's legacy `##[` command prefix.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##\[/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '##[': '##\\x5b' };

function escape(match: string): string {
  const named = NAMED[match];
  if (named !== undefined) return named;
  const code = match.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every unsafe character written as a visible escape: `\n`, `\r`, `\t`,
 * `\xNN` for the other C0/C1 controls and DEL, `\uNNNN` for U+2028/2029 and bidi
 * controls, `##\x5b` for `##[`. Everything else (printable Unicode, backslashes, `::`)
 * is unchanged, so ordinary names print as they are. Idempotent on its own output.
 *
 * @example
 * neutralize('price\n::error::pwned\x1b[31m'); // 'price\\n::error::pwned\\x1b[31m'
 */
export function neutralize(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * A copy of `value` with every string in it, object keys included, passed through
 * {@link neutralize}: what a renderer receives before it turns data into text. Plain
 * objects and arrays are copied; numbers, typed arrays and other objects pass as they are.
 */
export function neutralizeDeep<T>(value: T): T {
  if (typeof value === 'string') return neutralize(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => neutralizeDeep(v)) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [neutralize(k), neutralizeDeep(v)])) as T;
}

/** {@link neutralize} applied line by line: the text's own line breaks stay (commander's messages quote user input). */
export function neutralizeLines(text: string): string {
  return text.split('\n').map(neutralize).join('\n');
}

/**
 * JSON text made safe for a CI log without changing what it parses to: JSON.stringify
 * already escapes control characters and newlines inside strings; this also writes the
 * `[` of `##[` as `\u005b`, which the GitHub runner would otherwise read as a command.
 */
export function ciSafeJson(json: string): string {
  return json.replace(/##\[/g, '##\\u005b');
}
