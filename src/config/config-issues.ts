/**
 * Zod's issues about a merged config → gclip issues: one per problem, with the dotted
 * field path, the `file:line` or flag it came from, expected and received values and a
 * hint (a did-you-mean for a misspelt key or choice).
 */
import type { z } from 'zod';
import { GclipError, type Issue } from '../errors.js';
import { didYouMean } from '../did-you-mean.js';
import { dotted, getAt } from './field-path.js';
import type { Override } from './flag-overrides.js';
import type { FieldPath, LoadedConfig } from './load.js';
import { allowedKeys, describeExpected, describeReceived, exampleFor, schemaAt, type JsonSchema } from './schema-nodes.js';

/** What the issues are resolved against. */
export interface IssueContext {
  readonly schema: JsonSchema;
  readonly merged: unknown;
  readonly overrides: readonly Override[];
  readonly file?: Pick<LoadedConfig, 'locate'>;
}

/** `invalid_flag` when every problem comes from flags, else `invalid_config`; issues in file order. */
export function configError(zodIssues: readonly z.core.$ZodIssue[], ctx: IssueContext): GclipError {
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

/** A cross-field rule's issue (schema refinements): its own message and `params.hint`; an item of a list a flag set names that flag. */
function customIssue(path: FieldPath, issue: z.core.$ZodIssueCustom, ctx: IssueContext): Issue {
  const flag = ctx.overrides.find((o) => o.path.every((segment, i) => segment === path[i]))?.flag;
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
