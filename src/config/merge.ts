/**
 * Resolves the run configuration: defaults ← config file ← command-line flags, validated
 * once with zod, frozen, with the provenance of every field. Which flag sets which field
 * is read from the schema (`config-flags.ts`); nothing here lists flags.
 */
import { configFlags, type ConfigFlag } from './config-flags.js';
import { configError } from './config-issues.js';
import { dotted, getAt, isRecord, setAt } from './field-path.js';
import { checkConflicts, overridesOf, type Override, type RawFlags } from './flag-overrides.js';
import { buildJsonSchema } from './json-schema.js';
import { rebaseModules, withKindsFrom } from './kind-switch.js';
import type { LoadedConfig } from './load.js';
import { runConfigSchema, type RunConfig } from './schema.js';
import type { JsonSchema } from './schema-nodes.js';

/** Options as commander hands them over; see `flag-overrides.ts`. */
export type { RawFlags } from './flag-overrides.js';

/** Where a field's value came from. */
export type Provenance = 'default' | 'file' | 'flag';

/** What `resolveConfig` merges: an optional loaded file and the raw flags. */
export interface ResolveInput {
  readonly file?: Pick<LoadedConfig, 'data' | 'locate' | 'path'>;
  readonly flags: RawFlags;
}

/** A validated run configuration and the origin of each of its leaf fields. */
export interface ResolvedConfig {
  /** Deeply frozen. */
  readonly config: RunConfig;
  /** Dotted leaf path (`clip.maxNorm`, `model.hidden`) → where its value came from. */
  readonly provenance: Readonly<Record<string, Provenance>>;
}

let cached: { schema: JsonSchema; flags: ConfigFlag[] } | undefined;

/** The config's JSON Schema and its flags, built once per process (both are pure functions of the zod schema). */
export function configSchema(): { readonly schema: JsonSchema; readonly flags: readonly ConfigFlag[] } {
  if (cached === undefined) {
    const schema = buildJsonSchema();
    cached = { schema, flags: configFlags(schema) };
  }
  return cached;
}

/**
 * Merges defaults ← `file.data` ← `flags`, validates the result once with
 * `runConfigSchema` and returns it deeply frozen with per-field provenance.
 *
 * A flag that selects a different block kind (`--clip-norm` over a file's
 * `clip: {kind: value, clipValue: 2}`) drops the file's fields the new kind does not accept
 * and keeps shared ones such as `normType`, except a field the old kind requires that is
 * only an optional switch of the new one (`--clip zclip` over a norm block does not inherit
 * `maxNorm` as ZClip's cap).
 *
 * A relative plugin path in the file (`clip.module`, also inside a chain) is relative to
 * the file; it is rewritten relative to the working directory, as flags are.
 *
 * Throws GclipError (exit 2): `conflicting_flags` when two flags select different kinds
 * of one block; `invalid_flag` when every problem comes from flags; otherwise
 * `invalid_config`, one issue per problem, each with a dotted path, the `file:line` or
 * flag it came from, expected and received values and a hint.
 */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const { schema, flags } = configSchema();
  const overrides = overridesOf(input.flags, flags);
  checkConflicts(overrides);
  const fromFile = withKindsFrom(schema, structuredClone(input.file?.data ?? {}), overrides);
  if (input.file) rebaseModules(fromFile, input.file.path);
  const merged = structuredClone(fromFile);
  for (const o of overrides) setAt(merged, o.path, o.value, schema);
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error.issues, { schema, merged, overrides, file: input.file });
  const provenance = provenanceOf(parsed.data, fromFile, overrides);
  return { config: deepFreeze(parsed.data), provenance };
}

/** Every leaf of the resolved config (arrays count as leaves) → flag, file or default. */
function provenanceOf(config: unknown, fromFile: unknown, overrides: readonly Override[]): Record<string, Provenance> {
  const byFlag = new Set(overrides.map((o) => dotted(o.path)));
  const out: Record<string, Provenance> = {};
  const walk = (value: unknown, path: string[]): void => {
    if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
      return;
    }
    const key = dotted(path);
    out[key] = byFlag.has(key) ? 'flag' : getAt(fromFile, path) !== undefined ? 'file' : 'default';
  };
  walk(config, []);
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
