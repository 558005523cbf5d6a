/**
 * Resolves the run configuration: defaults ← model.json's training config ← config file ←
 * command-line flags, validated
 * once with zod, frozen, with the provenance of every field. Which flag sets which field
 * is read from the schema (`config-flags.ts`); nothing here lists flags.
 */
import { configFlags, type ConfigFlag } from './config-flags.js';
import { configError } from './config-issues.js';
import { dotted, getAt, isRecord, setAt } from './field-path.js';
import { checkConflicts, overridesOf, type RawFlags } from './flag-overrides.js';
import { buildJsonSchema } from './json-schema.js';
import { rebaseModules, withKindsFrom } from './kind-switch.js';
import type { SettingSource } from '../log/settings.js';
import type { LoadedConfig } from './load.js';
import { applicableLayer, withLayer, type ModelLayer } from './model-layer.js';
import { runConfigSchema, type RunConfig } from './schema.js';
import type { JsonSchema } from './schema-nodes.js';

/** Options as commander hands them over; see `flag-overrides.ts`. */
export type { RawFlags } from './flag-overrides.js';

export type { ModelLayer } from './model-layer.js';

/** Where a field's value came from: a flag, the config file, the model.json's training config, or the schema's default. */
export type Provenance = SettingSource;

/** What `resolveConfig` merges: an optional loaded file, the raw flags and what a model.json supplies. */
export interface ResolveInput {
  readonly file?: Pick<LoadedConfig, 'data' | 'locate' | 'path'>;
  readonly flags: RawFlags;
  /** The training settings of the config's model.json (`models/training-config`), under the file. */
  readonly model?: ModelLayer;
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
 * Merges defaults ← `model` ← `file.data` ← `flags`, validates the result once with
 * `runConfigSchema` and returns it deeply frozen with per-field provenance. Which of the
 * model.json's settings apply: `applicableLayer`. A top-level `provenance` in the file (a
 * run directory's config.json records one) is not a setting and is ignored.
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
 * flag it came from, expected and received values and a hint; `model_unsupported_optimizer`
 * when the optimizer would come from the model.json and gclip does not build it.
 */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const { schema, flags } = configSchema();
  const overrides = overridesOf(input.flags, flags);
  checkConflicts(overrides);
  const fromFile = withKindsFrom(schema, withoutProvenance(structuredClone(input.file?.data ?? {})), overrides);
  if (input.file) rebaseModules(fromFile, input.file.path);
  const byFlag = new Set(overrides.map((o) => dotted(o.path)));
  const fromModel = input.model ? applicableLayer(input.model, fromFile, byFlag) : new Map<string, unknown>();
  const merged = withLayer(structuredClone(fromFile), fromModel);
  for (const o of overrides) setAt(merged, o.path, o.value, schema);
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error.issues, { schema, merged, overrides, file: input.file });
  const provenance = provenanceOf(parsed.data, fromFile, { byFlag, byModel: new Set(fromModel.keys()) });
  return { config: deepFreeze(parsed.data), provenance };
}

function withoutProvenance(data: unknown): unknown {
  if (isRecord(data)) delete data.provenance;
  return data;
}

/** Every leaf of the resolved config (arrays count as leaves) → flag, model.json, file or default. */
function provenanceOf(config: unknown, fromFile: unknown, by: { byFlag: ReadonlySet<string>; byModel: ReadonlySet<string> }): Record<string, Provenance> {
  const out: Record<string, Provenance> = {};
  const walk = (value: unknown, path: string[]): void => {
    if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
      return;
    }
    const key = dotted(path);
    out[key] = by.byFlag.has(key) ? 'flag' : by.byModel.has(key) ? 'model.json' : getAt(fromFile, path) !== undefined ? 'file' : 'default';
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
