/**
 * Resolves the run configuration: defaults ← config file ← command-line flags, validated
 * once with zod, frozen, with the provenance of every field. The flag → config key
 * mapping lives here and nowhere else.
 */
import { dirname, isAbsolute, join } from 'node:path';
import JSON5 from 'json5';
import type { z } from 'zod';
import { GclipError, inputError, type Issue } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import {
  allowedKeys,
  buildJsonSchema,
  childOf,
  describeExpected,
  describeReceived,
  exampleFor,
  schemaAt,
  variantOf,
  type JsonSchema,
} from './json-schema.js';
import type { FieldPath, LoadedConfig } from './load.js';
import { runConfigSchema, type RunConfig } from './schema.js';

/** Options as commander hands them over (camelCased flag names, raw string values). */
export type RawFlags = Readonly<Record<string, unknown>>;

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

type FlagValue = 'string' | 'number' | 'normType' | 'boolean' | 'json' | 'list';

interface FlagSpec {
  readonly flag: string;
  readonly path: FieldPath;
  readonly value: FlagValue;
  /** The block `kind` this flag selects (`--clip-norm` selects clip kind 'norm'). */
  readonly selects?: string;
  /**
   * A `kind` flag that also accepts a path: when `test` matches the value, the block
   * becomes `{ kind, [key]: value }` (`--model path/model.json` → `{ kind: 'file', path }`).
   */
  readonly orPath?: { readonly test: (raw: string) => boolean; readonly kind: string; readonly key: string };
}

/** A strategy option flag: `--<kind>-<kebab key>` sets `clip.<key>` and selects clip kind `kind`. */
const clipOption = (kind: string, key: string, value: FlagValue): FlagSpec => ({
  flag: `--${kind}-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  path: ['clip', key],
  value,
  selects: kind,
});

/** Commander option key → config field. Flags are kebab-case, keys camelCase (style §5). */
const FLAGS: Readonly<Record<string, FlagSpec>> = {
  name: { flag: '--name', path: ['name'], value: 'string' },
  seed: { flag: '--seed', path: ['seed'], value: 'number' },
  backend: { flag: '--backend', path: ['backend'], value: 'string' },
  model: { flag: '--model', path: ['model', 'kind'], value: 'string', orPath: { test: (raw) => looksLikePath(raw, /\.json$/i), kind: 'file', key: 'path' } },
  data: { flag: '--data', path: ['data', 'kind'], value: 'string', orPath: { test: (raw) => looksLikePath(raw, /\.(csv|tsv|json)$/i), kind: 'file', key: 'path' } },
  features: { flag: '--features', path: ['data', 'features'], value: 'list' },
  target: { flag: '--target', path: ['data', 'target'], value: 'string' },
  task: { flag: '--task', path: ['data', 'task'], value: 'string' },
  normalize: { flag: '--normalize', path: ['data', 'normalize'], value: 'boolean' },
  loss: { flag: '--loss', path: ['train', 'loss'], value: 'string' },
  batchSize: { flag: '--batch-size', path: ['data', 'batchSize'], value: 'number' },
  steps: { flag: '--steps', path: ['train', 'steps'], value: 'number' },
  epochs: { flag: '--epochs', path: ['train', 'epochs'], value: 'number' },
  lr: { flag: '--lr', path: ['train', 'lr'], value: 'number' },
  optimizer: { flag: '--optimizer', path: ['train', 'optimizer'], value: 'string' },
  clip: { flag: '--clip', path: ['clip', 'kind'], value: 'string', orPath: { test: isModulePath, kind: 'module', key: 'module' } },
  clipNorm: { flag: '--clip-norm', path: ['clip', 'maxNorm'], value: 'number', selects: 'norm' },
  clipValue: { flag: '--clip-value', path: ['clip', 'clipValue'], value: 'number', selects: 'value' },
  normType: { flag: '--norm-type', path: ['clip', 'normType'], value: 'normType' },
  normSemantics: clipOption('norm', 'semantics', 'string'),
  tensorNormMaxNorm: clipOption('tensor-norm', 'maxNorm', 'number'),
  agcClipping: clipOption('agc', 'clipping', 'number'),
  agcEps: clipOption('agc', 'eps', 'number'),
  agcLayout: clipOption('agc', 'layout', 'string'),
  agcExcludeFinal: clipOption('agc', 'excludeFinal', 'boolean'),
  autoclipPercentile: clipOption('autoclip', 'percentile', 'number'),
  autoclipWindow: clipOption('autoclip', 'window', 'number'),
  autoclipIncludeCurrent: clipOption('autoclip', 'includeCurrent', 'boolean'),
  autoclipHistoryFilter: clipOption('autoclip', 'historyFilter', 'string'),
  zclipMode: clipOption('zclip', 'mode', 'string'),
  zclipAlpha: clipOption('zclip', 'alpha', 'number'),
  zclipZThreshold: clipOption('zclip', 'zThreshold', 'number'),
  zclipWarmupSteps: clipOption('zclip', 'warmupSteps', 'number'),
  zclipMaxNorm: clipOption('zclip', 'maxNorm', 'number'),
  zclipClipOption: clipOption('zclip', 'clipOption', 'string'),
  zclipClipFactor: clipOption('zclip', 'clipFactor', 'number'),
  zclipSkipUpdateOnSpike: clipOption('zclip', 'skipUpdateOnSpike', 'boolean'),
  adagcClipRatio: clipOption('adagc', 'clipRatio', 'number'),
  adagcBeta: clipOption('adagc', 'beta', 'number'),
  adagcWarmupSteps: clipOption('adagc', 'warmupSteps', 'number'),
  adagcMaxNorm: clipOption('adagc', 'maxNorm', 'number'),
  adagcHistoryFilter: clipOption('adagc', 'historyFilter', 'string'),
  updateClipMaxRms: clipOption('update-clip', 'maxRms', 'number'),
  clipOptions: { flag: '--clip-options', path: ['clip', 'options'], value: 'json', selects: 'module' },
  onNonfinite: { flag: '--on-nonfinite', path: ['detect', 'nonfinite', 'action'], value: 'string' },
  out: { flag: '--out', path: ['log', 'out'], value: 'string' },
};

/**
 * The flags among `flags` that set something in the `clip:` block other than its norm
 * type (`--clip-norm`, `--clip`, `--agc-clipping`, ...), as typed names. Commands that own
 * the clip block themselves (`gclip sweep`) reject them instead of ignoring them.
 */
export function clipSettingFlags(flags: RawFlags): string[] {
  return Object.entries(FLAGS)
    .filter(([key, spec]) => flags[key] !== undefined && spec.path[0] === 'clip' && spec.path[1] !== 'normType')
    .map(([, spec]) => spec.flag);
}

/** One field set by a flag: the value zod sees and the text the user typed. */
interface Override {
  readonly flag: string;
  readonly path: FieldPath;
  readonly raw: string;
  readonly value: unknown;
  /** The flag as typed, for messages: `--clip-norm 1`. */
  readonly typed: string;
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
  const overrides = overridesOf(input.flags);
  checkConflicts(overrides);
  const schema = buildJsonSchema();
  const fromFile = withKindsFrom(schema, structuredClone(input.file?.data ?? {}), overrides);
  if (input.file) rebaseModules(fromFile, input.file.path);
  const merged = structuredClone(fromFile);
  for (const o of overrides) setAt(merged, o.path, o.value, schema);
  const parsed = runConfigSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error.issues, { schema, merged, overrides, file: input.file });
  const provenance = provenanceOf(parsed.data, fromFile, overrides);
  return { config: deepFreeze(parsed.data), provenance };
}

function overridesOf(flags: RawFlags): Override[] {
  const overrides: Override[] = [];
  for (const [key, spec] of Object.entries(FLAGS)) {
    const given = flags[key];
    if (given === undefined) continue;
    const raw = String(given);
    const typed = given === true ? spec.flag : given === false ? `--no-${spec.flag.slice(2)}` : `${spec.flag} ${raw}`;
    if (spec.orPath?.test(raw)) {
      const { kind, key } = spec.orPath;
      overrides.push({ flag: spec.flag, path: spec.path, raw: kind, value: kind, typed });
      overrides.push({ flag: spec.flag, path: [...spec.path.slice(0, -1), key], raw, value: raw, typed });
      continue;
    }
    if (spec.selects !== undefined) {
      const kindPath = [...spec.path.slice(0, -1), 'kind'];
      overrides.push({ flag: spec.flag, path: kindPath, raw: spec.selects, value: spec.selects, typed });
    }
    const value = typeof given === 'string' ? convert(raw, spec) : given;
    overrides.push({ flag: spec.flag, path: spec.path, raw, value, typed });
  }
  return overrides;
}

/** `--data ./x.csv`, `--model m/model.json`: a path separator or a known extension means a file. */
function looksLikePath(raw: string, extension: RegExp): boolean {
  return /[\\/]/.test(raw) || extension.test(raw);
}

/** `--clip ./my-clip.js`: a path or `file:` URL names a plugin module, anything else a kind. */
function isModulePath(raw: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|file:)/.test(raw) || /\.[cm]?[jt]s$/.test(raw);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Flag text → the value zod validates. Text that is not a number stays text, so zod reports it. */
function convert(raw: string, spec: FlagSpec): unknown {
  const text = raw.trim();
  switch (spec.value) {
    case 'string':
      return raw;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : raw;
    case 'json':
      return parseJsonFlag(raw, spec);
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    case 'normType':
      if (text.toLowerCase() === 'inf') return 'inf';
  }
  return DECIMAL.test(text) ? Number(text) : raw;
}

/** `--clip-options '{"maxNorm": 2}'` (JSON5, so `{maxNorm: 2}` works too) → the object. */
function parseJsonFlag(raw: string, spec: FlagSpec): unknown {
  try {
    return JSON5.parse(raw);
  } catch (error) {
    throw inputError('invalid_flag', {
      path: dotted(spec.path),
      message: `Invalid value for ${spec.flag}: expected a JSON object, received '${raw}' (${(error as Error).message})`,
      hint: `Quote it for the shell, e.g. ${spec.flag} '{"maxNorm": 2}'.`,
      source: spec.flag,
    });
  }
}

/** Two flags selecting different kinds of the same block (`--clip none --clip-norm 1`). */
function checkConflicts(overrides: readonly Override[]): void {
  const kinds = overrides.filter((o) => o.path.at(-1) === 'kind');
  for (const [i, a] of kinds.entries()) {
    const b = kinds.slice(i + 1).find((o) => dotted(o.path) === dotted(a.path) && o.value !== a.value);
    if (b === undefined) continue;
    const field = dotted(a.path);
    const implied = selectsKind(a.flag) ? a : b;
    throw inputError('conflicting_flags', {
      path: field,
      message: `Conflicting flags ${a.typed} and ${b.typed}: both set ${field} ('${String(a.value)}' vs '${String(b.value)}')`,
      hint: `Pass only one of them; ${implied.flag} alone already sets ${field} to '${String(implied.value)}'.`,
      source: `${a.flag}, ${b.flag}`,
    });
  }
}

function selectsKind(flag: string): boolean {
  return Object.values(FLAGS).some((spec) => spec.flag === flag && spec.selects !== undefined);
}

/** For each flag that changes a block's kind, drop the file fields the new kind does not carry over. */
function withKindsFrom(schema: JsonSchema, data: unknown, overrides: readonly Override[]): unknown {
  for (const o of overrides.filter((x) => x.path.at(-1) === 'kind')) {
    const blockPath = o.path.slice(0, -1);
    const block = getAt(data, blockPath);
    const node = schemaAt(schema, blockPath, data);
    if (!isRecord(block) || block.kind === o.value || node?.oneOf === undefined) continue;
    // An unknown kind (`--clip nrom`) drops nothing: zod reports the kind instead.
    const target = variantOf(node, { kind: o.value });
    if (target === undefined) continue;
    const source = variantOf(node, block);
    const kept = new Set(allowedKeys(target, { kind: o.value }).filter((key) => carriesOver(key, source, target)));
    for (const key of allowedKeys(node, block)) if (key !== 'kind' && !kept.has(key)) delete block[key];
  }
  return data;
}

/** Makes the file's relative `clip.module` paths relative to the working directory (`file` is). */
function rebaseModules(data: unknown, file: string): void {
  const clip = getAt(data, ['clip']);
  const blocks = isRecord(clip) && Array.isArray(clip.strategies) ? clip.strategies : [clip];
  for (const block of blocks) {
    if (!isRecord(block) || block.kind !== 'module' || typeof block.module !== 'string') continue;
    if (isAbsolute(block.module) || block.module.startsWith('file:')) continue;
    block.module = join(dirname(file), block.module);
  }
}

/**
 * Whether a file field accepted by both kinds survives a flag that switches its block from
 * `source` to `target`: not when the old kind requires it and the new kind merely allows it
 * (no default): that is an optional switch of the new kind, and it stays opt-in, so
 * `--clip zclip` over `clip: {kind: norm, maxNorm: 1}` does not turn on ZClip's hard cap.
 */
function carriesOver(key: string, source: JsonSchema | undefined, target: JsonSchema): boolean {
  const requiredBefore = (source?.required ?? []).includes(key);
  const optionalAfter = !(target.required ?? []).includes(key) && target.properties?.[key]?.default === undefined;
  // Same name, different meaning: regression's `features: 8` (a count) is not a file's column list.
  const typeOf = (s: JsonSchema | undefined) => JSON.stringify(s?.properties?.[key]?.type ?? null);
  return !(requiredBefore && optionalAfter) && typeOf(source) === typeOf(target);
}

interface IssueContext {
  readonly schema: JsonSchema;
  readonly merged: unknown;
  readonly overrides: readonly Override[];
  readonly file: ResolveInput['file'];
}

function configError(zodIssues: readonly z.core.$ZodIssue[], ctx: IssueContext): GclipError {
  // Top-down in the file reads like the file; flag issues (no line) come last.
  const issues = zodIssues.flatMap((issue) => toIssues(issue, ctx)).sort((a, b) => lineOf(a) - lineOf(b));
  const flags = new Set(ctx.overrides.map((o) => o.flag));
  const allFromFlags = issues.every((i) => i.source !== undefined && flags.has(i.source));
  return new GclipError(allFromFlags ? 'invalid_flag' : 'invalid_config', issues);
}

/** One zod issue → our issues (one per unknown key), with source, expected/received and hint. */
function toIssues(issue: z.core.$ZodIssue, ctx: IssueContext): Issue[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownKeyIssue(path, key, ctx));
  if (issue.code === 'custom') return [customIssue(path, issue, ctx)];
  const options = optionsOf(issue);
  const node = schemaAt(ctx.schema, path, ctx.merged);
  const expected = options ? `one of ${options.map((o) => `'${o}'`).join(' | ')}` : node && describeExpected(node);
  if (expected === undefined) return [{ path: dotted(path), message: issue.message, source: sourceOf(path, ctx) }];
  return [valueIssue(path, expected, { options, node }, ctx)];
}

function optionsOf(issue: z.core.$ZodIssue): string[] | undefined {
  if (issue.code === 'invalid_value') return issue.values.map(String);
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return issue.options.map(String);
  }
  return undefined;
}

function valueIssue(
  path: FieldPath,
  expected: string,
  known: { options: string[] | undefined; node: JsonSchema | undefined },
  ctx: IssueContext,
): Issue {
  const override = ctx.overrides.find((o) => dotted(o.path) === dotted(path));
  const value = getAt(ctx.merged, path);
  const received = override ? `'${override.raw}'` : describeReceived(value);
  const subject = override?.flag ?? dotted(path);
  const message =
    value === undefined
      ? `Missing ${subject}: expected ${expected}`
      : `Invalid value for ${subject}: expected ${expected}, received ${received}`;
  const suggestion = typeof value === 'string' && known.options ? didYouMean(value, known.options) : undefined;
  const example = known.options?.[0] ?? (known.node && exampleFor(known.node));
  const last = path.at(-1);
  const usage = override ? `${override.flag} ${example}` : typeof last === 'string' ? `${last}: ${example}` : example;
  const hint = suggestion
    ? `Did you mean '${suggestion}'?`
    : `Use ${expected}${example === undefined ? '' : `, e.g. ${usage}`}.`;
  return { path: dotted(path), message, hint, source: override?.flag ?? sourceOf(path, ctx) };
}

/** A cross-field rule's issue (schema refinements): its own message and `params.hint`. */
function customIssue(path: FieldPath, issue: z.core.$ZodIssueCustom, ctx: IssueContext): Issue {
  const flag = ctx.overrides.find((o) => dotted(o.path) === dotted(path))?.flag;
  const hint = typeof issue.params?.hint === 'string' ? issue.params.hint : undefined;
  return { path: dotted(path), message: issue.message, ...(hint ? { hint } : {}), source: flag ?? sourceOf(path, ctx) };
}

function unknownKeyIssue(path: FieldPath, key: string, ctx: IssueContext): Issue {
  const node = schemaAt(ctx.schema, path, ctx.merged);
  const allowed = node ? allowedKeys(node, getAt(ctx.merged, path)) : [];
  const suggestion = didYouMean(key, allowed);
  const where = path.length === 0 ? 'at the top level' : `in ${dotted(path)}`;
  const list = `Allowed keys ${where}: ${allowed.join(', ')}.`;
  return {
    path: dotted([...path, key]),
    message: `Unknown key '${key}' ${where}`,
    hint: suggestion ? `Did you mean ${suggestion}? ${list}` : `Remove it. ${list}`,
    source: sourceOf([...path, key], ctx),
  };
}

function lineOf(issue: Issue): number {
  return Number(/:(\d+)$/.exec(issue.source ?? '')?.[1] ?? Infinity);
}

function sourceOf(path: FieldPath, ctx: IssueContext): string | undefined {
  return ctx.file?.locate(path);
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

/** `['model', 'hidden', 1]` → `model.hidden[1]`. */
function dotted(path: FieldPath): string {
  return path.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function getAt(value: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((v, key) => childOf(v, key), value);
}

/**
 * Sets `path` inside `target`. A missing block starts from its schema default, so
 * `--norm-type 1` alone yields `clip: {kind: 'none', normType: 1}`, not a kind-less clip.
 */
function setAt(target: unknown, path: FieldPath, value: unknown, schema: JsonSchema): void {
  let node = target as Record<string, unknown>;
  for (const [i, key] of path.slice(0, -1).entries()) {
    const next = node[key];
    const fallback = schemaAt(schema, path.slice(0, i + 1), target)?.default;
    node = isRecord(next) ? next : (node[key] = isRecord(fallback) ? structuredClone(fallback) : {});
  }
  node[String(path.at(-1))] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
