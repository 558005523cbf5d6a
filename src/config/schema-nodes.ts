/**
 * Reading the JSON Schema of a config (zod-free, so the CLI can read flags from the
 * shipped `schema/gclip.schema.json` without loading zod): the node type, navigation by
 * field path through `oneOf` variants, and the words error messages use for a node.
 */
import { describeNumber, exampleNumber, type NumberBounds } from './bounds.js';

/** The subset of JSON Schema (draft 2020-12) that zod emits for RunConfig. */
export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: readonly unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  items?: JsonSchema;
  oneOf?: readonly JsonSchema[];
  anyOf?: readonly JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  [keyword: string]: unknown;
}

/**
 * The schema node at `path`, choosing each `oneOf` variant by the `const` fields (the
 * `kind` discriminator) of the value found at the same place in `data`. Undefined when
 * the path leaves the schema.
 */
export function schemaAt(root: JsonSchema, path: readonly PropertyKey[], data: unknown): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  let value = data;
  for (const segment of path) {
    if (node === undefined) return undefined;
    node = variantOf(node, value);
    node = typeof segment === 'number' ? node?.items : node?.properties?.[String(segment)];
    value = childOf(value, segment);
  }
  return node;
}

/** The `oneOf` variant whose `const` properties all match `value`, or the node itself. */
export function variantOf(node: JsonSchema, value: unknown): JsonSchema | undefined {
  if (node.oneOf === undefined) return node;
  return node.oneOf.find((variant) => {
    const consts = Object.entries(variant.properties ?? {}).filter(([, p]) => 'const' in p);
    return consts.length > 0 && consts.every(([key, p]) => childOf(value, key) === p.const);
  });
}

/**
 * The keys an object node accepts for `value`: its variant's keys, or every variant's
 * keys (deduplicated, schema order) when `value` matches no variant.
 */
export function allowedKeys(node: JsonSchema, value: unknown): string[] {
  const variants = node.oneOf === undefined ? [node] : [variantOf(node, value) ?? node.oneOf].flat();
  return [...new Set(variants.flatMap((v) => Object.keys(v.properties ?? {})))];
}

/** The value at `key` inside `value`, or undefined when `value` is not a container. */
export function childOf(value: unknown, key: PropertyKey): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
}

/** The bounds of a number node; JSON Schema's ±MAX_SAFE_INTEGER (zod's `int()`) are no bound. */
export function boundsOf(node: JsonSchema): NumberBounds {
  const safe = (n: number | undefined) => (n === undefined || Math.abs(n) === Number.MAX_SAFE_INTEGER ? undefined : n);
  return {
    integer: node.type === 'integer',
    min: safe(node.minimum),
    gt: node.exclusiveMinimum,
    max: safe(node.maximum),
    lt: node.exclusiveMaximum,
  };
}

/**
 * What a node expects, as a noun phrase: "a positive number", "an integer from 0 to
 * 4294967295", "one of 'sgd' | 'adam'", "'inf' or a number ≥ 1".
 */
export function describeExpected(node: JsonSchema): string {
  if ('const' in node) return quote(node.const);
  if (node.enum !== undefined) return `one of ${node.enum.map(quote).join(' | ')}`;
  if (node.anyOf !== undefined) return node.anyOf.map(describeExpected).join(' or ');
  if (node.oneOf !== undefined) return describeVariants(node.oneOf);
  switch (node.type) {
    case 'number':
    case 'integer':
      return describeNumber(boundsOf(node));
    case 'string':
      // A pattern's rule is only readable in the words its field describes it with.
      if (node.pattern !== undefined && typeof node.description === 'string') return node.description;
      return node.minLength ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return `a ${node.minItems ? 'non-empty ' : ''}list, each ${describeExpected(node.items ?? {})}`;
    case 'object':
      return 'a mapping';
    default:
      return 'a valid value';
  }
}

function describeVariants(variants: readonly JsonSchema[]): string {
  const kinds = variants.map((v) => v.properties?.kind?.const).filter((k) => k !== undefined);
  return kinds.length > 0 ? `a mapping with kind one of ${kinds.map(quote).join(' | ')}` : 'a mapping';
}

/** A value that satisfies `node`, for "e.g." hints: its default, else a typical value. */
export function exampleFor(node: JsonSchema): string | undefined {
  const candidate = node.default ?? node.const ?? node.enum?.[0] ?? node.anyOf?.[0]?.const;
  if (candidate !== undefined && typeof candidate !== 'object') return String(candidate);
  if (node.type !== 'number' && node.type !== 'integer') return undefined;
  return String(exampleNumber(boundsOf(node)));
}

/**
 * What was found, for "received …": 'abc' (quoted), -1, NaN, true, a list, a mapping,
 * or "nothing" for a missing value. Never "undefined" or "[object Object]".
 */
export function describeReceived(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return typeof value === 'string' ? quote(value) : String(value);
}

function quote(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
  return `'${shown}'`;
}
