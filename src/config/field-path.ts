/** Reading and writing plain config data by field path (`['model', 'hidden', 1]`). */
import type { FieldPath } from './load.js';
import { childOf, schemaAt, type JsonSchema } from './schema-nodes.js';

/** `['model', 'hidden', 1]` → `model.hidden[1]`. */
export function dotted(path: FieldPath): string {
  return path.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

/** The value at `path` in `value`, or undefined where the path leaves it. */
export function getAt(value: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((v, key) => childOf(v, key), value);
}

/**
 * Sets `path` inside `target`. A missing block starts from its schema default, so
 * `--norm-type 1` alone yields `clip: {kind: 'none', normType: 1}`, not a kind-less clip.
 */
export function setAt(target: unknown, path: FieldPath, value: unknown, schema: JsonSchema): void {
  let node = target as Record<string, unknown>;
  for (const [i, key] of path.slice(0, -1).entries()) {
    const next = node[key];
    const fallback = schemaAt(schema, path.slice(0, i + 1), target)?.default;
    node = isRecord(next) ? next : (node[key] = isRecord(fallback) ? structuredClone(fallback) : {});
  }
  node[String(path.at(-1))] = value;
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
