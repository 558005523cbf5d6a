/**
 * Reads a config file (YAML or JSON) through an injected reader and keeps a map from
 * field paths back to `file:line`, so validation errors can point at the line to fix.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { inputError, isGclipError, GclipError, type Issue } from '../errors.js';
import { READ_LIMITS } from '../guard/limits.js';
import { readTextBounded } from '../guard/read-bounded.js';
import { findDeepNesting } from '../guard/text-depth.js';
import { describeReceived } from './schema-nodes.js';

/** Reads a whole text file. Rejects with a Node-style error (`code: 'ENOENT'`) when missing. */
export type Reader = (path: string) => Promise<string>;

/** A path into the config: object keys and array indices (`['model', 'hidden', 0]`). */
export type FieldPath = readonly (string | number)[];

/** A parsed config file: its raw data (not yet validated) and a locator for its fields. */
export interface LoadedConfig {
  /** The path the file was read from, as given. */
  readonly path: string;
  /** The parsed top-level mapping, before defaults and validation. */
  readonly data: unknown;
  /**
   * `file:line` of the field at `path` (the line of its key), or of its nearest ancestor
   * present in the file when the field itself is missing. Undefined when not even the
   * first segment is in the file.
   */
  locate(path: FieldPath): string | undefined;
}

/** The reader CLI commands pass in: UTF-8 text from the local file system, within `READ_LIMITS.config`. */
export const nodeReader: Reader = (path) => readTextBounded(path, READ_LIMITS.config);

/**
 * A reader over in-memory files (tests, or configs embedded by a host app). A missing
 * path rejects like fs does, with `code: 'ENOENT'`.
 */
export function memoryReader(files: Readonly<Record<string, string>>): Reader {
  return async (path) => {
    const text = files[path];
    if (text !== undefined) return text;
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  };
}

const HINT_START = 'Start from configs/demo.yaml, or run `gclip init` to write a starter config.';

/**
 * Reads and parses the config file at `path`: `.json` as JSON, `.yaml`/`.yml` as YAML.
 *
 * Throws GclipError (exit 2): `config_not_found` when the file does not exist,
 * `config_unreadable` when it cannot be read, the reader's `file_too_large` and
 * `not_a_regular_file`, `unsupported_config_format` for another extension,
 * `invalid_config_syntax` (one issue per error, at `file:line:col`) when it does not
 * parse, nests too deeply (`findDeepNesting`) or its aliases expand past 100, and
 * `invalid_config` when the top level is not a mapping.
 */
export async function loadConfigFile(path: string, read: Reader): Promise<LoadedConfig> {
  formatOf(path);
  return parseConfigText(path, await readText(path, read));
}

/** `loadConfigFile` for text already read (same errors, except the reading ones: see `configReadError`). */
export function parseConfigText(path: string, text: string): LoadedConfig {
  const format = formatOf(path);
  const deep = findDeepNesting(text);
  if (deep) throw inputError('invalid_config_syntax', { path: '', message: `The config nests too deeply: ${deep.reason}`, hint: 'A gclip config nests a few levels; check that --config names the right file (docs/limits.md).', source: `${path}:${deep.line}` });
  const lineCounter = new LineCounter();
  // logLevel 'error': yaml would print warnings quoting the file's keys on stderr, past the neutraliser.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, logLevel: 'error' });
  const data = format === 'json' ? parseJson(path, text, lineCounter) : parseYaml(path, doc);
  const locate = (field: FieldPath) => locateIn(doc, lineCounter, field, path);
  if (!isMapping(data)) throw notAMapping(path, data, locate([]) ?? `${path}:1`);
  return { path, data, locate };
}

function formatOf(path: string): 'json' | 'yaml' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  throw inputError('unsupported_config_format', {
    path: '',
    message: `Unsupported config file type '${path}': expected .yaml, .yml or .json`,
    hint: 'Rename the file with a .yaml or .json extension matching its content.',
    source: path,
  });
}

async function readText(path: string, read: Reader): Promise<string> {
  try {
    return await read(path);
  } catch (error) {
    throw configReadError(path, error);
  }
}

/**
 * The GclipError for a config file that could not be read (`error` from the reader):
 * the reader's own GclipError as is (`file_too_large`, `not_a_regular_file`), else
 * `config_not_found` or `config_unreadable`.
 */
export function configReadError(path: string, error: unknown): GclipError {
  if (isGclipError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return inputError('config_not_found', {
      path: '',
      message: `Config file not found: ${path}`,
      hint: `Check the path (relative to the current directory). ${HINT_START}`,
      source: path,
    });
  }
  return inputError('config_unreadable', {
    path: '',
    message: `Cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'Check that it is a readable file, not a directory.',
    source: path,
  });
}

function parseYaml(path: string, doc: Document.Parsed): unknown {
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => yamlIssue(path, e));
    // The parser often reports one mistake several times at the same spot; show it once.
    const unique = issues.filter((issue, i) => issues.findIndex((o) => o.source === issue.source) === i);
    throw new GclipError('invalid_config_syntax', unique);
  }
  try {
    // yaml's own guard (100 aliases) against "billion laughs" documents that expand exponentially.
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw inputError('invalid_config_syntax', { path: '', message: `Malformed YAML: ${error instanceof Error ? error.message : String(error)}`, hint: 'Use fewer anchors and aliases (*name); a config needs none.', source: path });
  }
}

function yamlIssue(path: string, error: YAMLError): Issue {
  const firstLine = error.message.split('\n')[0] ?? error.message;
  const what = firstLine.replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  return {
    path: '',
    message: `Malformed YAML: ${what}`,
    hint: 'YAML needs `key: value` pairs with consistent space indentation (no tabs); quote values containing `: ` or `#`.',
    source: pos ? `${path}:${pos.line}:${pos.col}` : path,
  };
}

function parseJson(path: string, text: string, lineCounter: LineCounter): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
    const { line, col } = lineCounter.linePos(offset);
    throw inputError('invalid_config_syntax', {
      path: '',
      message: `Malformed JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      hint: 'JSON allows no comments, trailing commas or single quotes; check the marked position.',
      source: `${path}:${line}:${col}`,
    });
  }
}

function isMapping(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

function notAMapping(path: string, data: unknown, source: string): GclipError {
  const received = data === null || data === undefined ? 'an empty document' : describeReceived(data);
  return inputError('invalid_config', {
    path: '',
    message: `The config file must be a mapping of fields (model:, data:, train:, ...), received ${received}`,
    hint: HINT_START,
    source,
  });
}

/** Line of the deepest node along `field` that exists in the document (1-based). */
function locateIn(doc: Document.Parsed, lines: LineCounter, field: FieldPath, path: string): string | undefined {
  let node: unknown = doc.contents;
  let offset = field.length === 0 ? (doc.contents?.range?.[0] ?? undefined) : undefined;
  for (const segment of field) {
    const found = childNode(node, segment);
    if (found === undefined) break;
    [node, offset] = found;
  }
  return offset === undefined ? undefined : `${path}:${lines.linePos(offset).line}`;
}

/** The child node at `segment` and the offset of its key (maps) or item (sequences). */
function childNode(node: unknown, segment: string | number): [unknown, number | undefined] | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (pair === undefined) return undefined;
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    return [pair.value, keyRange?.[0]];
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    if (item === undefined) return undefined;
    return [item, (item as { range?: [number] }).range?.[0]];
  }
  return undefined;
}
