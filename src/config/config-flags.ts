/**
 * The flags of the run configuration, read from its JSON Schema (zod-free): every node
 * with a `flag` keyword (see `flag-meta.ts`) is one flag, with the field path it sets, how
 * its text becomes a value, and the node that holds its type, bounds, default and help.
 * The CLI registers these flags, the merge applies them and the docs list them; none of
 * them writes a flag down a second time.
 */
import type { FlagMeta } from './flag-meta.js';
import type { JsonSchema } from './schema-nodes.js';

/** How a flag's text becomes the value zod validates. */
export type FlagValue = 'string' | 'number' | 'normType' | 'boolean' | 'json' | 'list';

/** One config flag. */
export interface ConfigFlag {
  /** `--zclip-alpha`. */
  readonly name: string;
  readonly short?: string;
  /** The option key commander gives it (camelCase of the name): `zclipAlpha`. */
  readonly key: string;
  /** The config field it sets: `['clip', 'alpha']`; a kind flag sets `[block, 'kind']`. */
  readonly path: readonly string[];
  /** The field's schema node: type, bounds, enum, default, description. */
  readonly node: JsonSchema;
  readonly value: FlagValue;
  /** The value's name in help (`<x>`); undefined for a switch (a boolean field). */
  readonly arg?: string;
  /** The kind of its block this flag selects (`--clip-norm` selects clip kind `norm`). */
  readonly selects?: string;
  /** A kind flag that also takes a path: a matching value makes the block `{ kind, [key]: value }`. */
  readonly orPath?: { readonly test: RegExp; readonly kind: string; readonly key: string };
  /** A kind flag: the kinds its value may name (those whose required fields flags can set). */
  readonly kinds?: readonly string[];
}

interface Found {
  readonly meta: FlagMeta;
  readonly node: JsonSchema;
  readonly path: readonly string[];
  /** The union variant the field belongs to, when it is a field of one. */
  readonly variant?: { readonly kind: string; readonly union: JsonSchema };
}

/** `--zclip-z-threshold` → `zclipZThreshold`, as commander names the option. */
export function flagKey(name: string): string {
  return name.replace(/^--/, '').replace(/-(.)/g, (_, c: string) => c.toUpperCase());
}

/**
 * Every flag of the schema, in schema order. A flag found on several variants of a block
 * (`--norm-type` on every clip kind) is one flag; a flag found on one variant alone
 * selects that variant when its block's kind flag says `selectsKind`. Array items
 * (a chain's strategies) carry no flags of their own.
 */
export function configFlags(root: JsonSchema): ConfigFlag[] {
  const found: Found[] = [];
  walk(root, [], undefined, found);
  const names = [...new Set(found.map((f) => f.meta.name))];
  return names.map((name) => toFlag(found.filter((f) => f.meta.name === name), found));
}

function walk(node: JsonSchema, path: readonly string[], variant: Found['variant'], out: Found[]): void {
  const meta = node.flag as FlagMeta | undefined;
  if (meta !== undefined) out.push({ meta, node, path: node.oneOf ? [...path, 'kind'] : path, variant });
  if (node.oneOf !== undefined) {
    for (const v of node.oneOf) {
      const kind = { kind: String(v.properties?.kind?.const), union: node };
      for (const [key, child] of Object.entries(v.properties ?? {})) walk(child, [...path, key], kind, out);
    }
    return;
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...path, key], undefined, out);
}

/** A nullable field (`.nullable()`: anyOf [T, null]) takes a T from its flag; `null` is for config files. */
function nonNull(node: JsonSchema): JsonSchema {
  const kept = node.anyOf?.filter((n) => n.type !== 'null') ?? [];
  if (node.anyOf === undefined || kept.length !== 1 || kept.length === node.anyOf.length) return node;
  const { anyOf: _nullable, ...rest } = node;
  return { ...kept[0], ...rest };
}

function toFlag(places: readonly Found[], all: readonly Found[]): ConfigFlag {
  const { meta, path, variant } = places[0]!;
  const node = nonNull(places[0]!.node);
  const paths = new Set(places.map((p) => p.path.join('.')));
  if (paths.size > 1) throw new Error(`flag ${meta.name} is declared on different fields: ${[...paths].join(', ')}`);
  const union = variant?.union.flag as FlagMeta | undefined;
  const selects = places.length === 1 && union?.selectsKind ? variant!.kind : undefined;
  const value = valueOf(node);
  return {
    name: meta.name,
    ...(meta.short === undefined ? {} : { short: meta.short }),
    key: flagKey(meta.name),
    path,
    node,
    value,
    ...(value === 'boolean' ? {} : { arg: meta.arg ?? defaultArg(node, value) }),
    ...(selects === undefined ? {} : { selects }),
    ...(meta.path === undefined ? {} : { orPath: { test: new RegExp(meta.path.pattern, 'i'), kind: meta.path.kind, key: meta.path.key } }),
    ...(node.oneOf === undefined ? {} : { kinds: nameableKinds(node, meta, all) }),
  };
}

function valueOf(node: JsonSchema): FlagValue {
  if (node.oneOf !== undefined) return 'string';
  if (node.anyOf?.some((n) => n.const === 'inf')) return 'normType';
  switch (node.type) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'integer':
      return 'number';
    case 'array':
      return 'list';
    case 'object':
      return 'json';
    default:
      return 'string';
  }
}

function defaultArg(node: JsonSchema, value: FlagValue): string {
  if (value === 'number') return node.type === 'integer' ? 'n' : 'x';
  return value === 'string' ? 'name' : value === 'normType' ? 'p' : value;
}

/**
 * The kinds a kind flag can name on its own: not the path kind (`file`, `module`: given by
 * a path), nor a kind with a required field no flag sets (`chain` needs `strategies`).
 */
function nameableKinds(union: JsonSchema, meta: FlagMeta, all: readonly Found[]): string[] {
  return (union.oneOf ?? []).flatMap((v) => {
    const kind = String(v.properties?.kind?.const);
    const settable = new Set(all.filter((f) => f.variant?.union === union && f.variant.kind === kind).map((f) => f.path.at(-1)));
    const required = (v.required ?? []).filter((key) => key !== 'kind');
    return kind !== meta.path?.kind && required.every((key) => settable.has(key)) ? [kind] : [];
  });
}
