/**
 * `monitor()`'s options: the `clip`, `detect` and `log` sections of a gclip config, checked
 * by the config's own zod schema (picked from `runConfigFields`, not a second one), plus
 * `out`, the run directory. A strategy object (`clipByGlobalNorm({ maxNorm: 1 })`) may stand
 * in for the `clip` section. Browser-safe: no Node module is imported here.
 */
import { z } from 'zod';
import type { ClipStrategy } from '../clip/types.js';
import { configError } from '../config/config-issues.js';
import { buildJsonSchema } from '../config/json-schema.js';
import { runConfigFields, type RunConfig, type RunConfigInput } from '../config/schema.js';
import type { JsonSchema } from '../config/schema-nodes.js';
import { inputError } from '../errors.js';

/** What `monitor()` takes: config sections as in a config file, and where the run directory goes. */
export interface MonitorOptions {
  /** A clip section (`{ kind: 'norm', maxNorm: 1 }`) or a strategy object; default no clipping. */
  readonly clip?: RunConfigInput['clip'] | ClipStrategy;
  readonly detect?: RunConfigInput['detect'];
  readonly log?: RunConfigInput['log'];
  /** Run directory (`steps.jsonl`, `summary.json`); overrides `log.out`. Node only. */
  readonly out?: string;
}

/** Validated options: sections with every default filled in. */
export interface ResolvedMonitorOptions {
  readonly clip: RunConfig['clip'] | ClipStrategy;
  readonly detect: RunConfig['detect'];
  readonly log: RunConfig['log'];
  /** `out`, else `log.out`, else undefined (records are kept in memory only). */
  readonly out: string | undefined;
}

const sectionsSchema = runConfigFields.pick({ clip: true, detect: true, log: true }).extend({ out: z.string().min(1).optional() }).strict();

let jsonSchema: JsonSchema | undefined;

/** A strategy object rather than a config section: it has the methods of `ClipStrategy`. */
export function isStrategy(clip: unknown): clip is ClipStrategy {
  return typeof clip === 'object' && clip !== null && typeof (clip as ClipStrategy).apply === 'function' && typeof (clip as ClipStrategy).next === 'function';
}

/**
 * Checks `options` against the config schema. Throws GclipError `invalid_config` (one issue
 * per problem, each with its dotted field path, expected and received values and a hint),
 * or `invalid_option` for a `module` strategy (load it and pass the strategy object).
 */
export function resolveMonitorOptions(options: MonitorOptions = {}): ResolvedMonitorOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw inputError('invalid_option', { path: '', message: `monitor() takes an options object, received ${Array.isArray(options) ? 'an array' : typeof options}`, hint: "Pass { clip, detect, log, out }, e.g. monitor({ clip: { kind: 'norm', maxNorm: 1 } })." });
  }
  const strategy = isStrategy(options.clip) ? options.clip : null;
  const input = strategy ? { ...options, clip: undefined } : options;
  const parsed = sectionsSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error.issues, { schema: (jsonSchema ??= buildJsonSchema()), merged: input, overrides: [] });
  const { clip, detect, log, out } = parsed.data;
  if (!strategy && clip.kind === 'module') {
    throw inputError('invalid_option', { path: 'clip.module', message: 'monitor() does not load strategy modules', hint: "Import the module yourself and pass its strategy: monitor({ clip: myStrategy(options) })." });
  }
  return { clip: strategy ?? clip, detect, log, out: out ?? log.out };
}
