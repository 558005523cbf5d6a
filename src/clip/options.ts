/**
 * Option validation shared by the strategy factories. Factories are public API (users call
 * them from their own loops), so they validate with the clip schema's own field schemas
 * (`config/clip-schema.ts`) — the same bounds and defaults as a config — and throw the same
 * kind of error: `invalid_clip_option` with the field path and a hint.
 */
import { z } from 'zod';
import { clipSchema, type ClipConfig } from '../config/clip-schema.js';
import { inputError } from '../errors.js';
import type { NormOrder } from './norms.js';

type VariantSchema = (typeof clipSchema.options)[number];
/** Each kind's field schemas, by kind. */
type FieldsByKind = { [S in VariantSchema as S['shape']['kind']['value']]: S['shape'] };

/** The field schemas of the clip schema's `kind` variant: each option's bounds and default. */
export function schemaFields<K extends ClipConfig['kind']>(kind: K): FieldsByKind[K] {
  const variant = clipSchema.options.find((s) => s.shape.kind.value === kind);
  return variant!.shape as unknown as FieldsByKind[K];
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
}

/** Throws `invalid_clip_option` for `clip.<field>`. */
export function invalidOption(field: string, expected: string, value: unknown, hint: string): never {
  throw inputError('invalid_clip_option', {
    path: `clip.${field}`,
    message: `clip.${field} must be ${expected}, received ${describe(value)}`,
    hint,
  });
}

/**
 * `value` parsed by `schema` (a field of `schemaFields`): the schema's default when `value`
 * is undefined, else `value` itself when the schema accepts it.
 * @throws GclipError `invalid_clip_option` naming `clip.<field>` and the schema's bounds.
 */
export function schemaOption<T>(field: string, schema: z.ZodType<T>, value: unknown, hint: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return invalidOption(field, issue?.code === 'invalid_value' ? oneOf(issue.values) : expectedOf(schema), value, hint);
}

/** `"a", "b" or "c"`. */
function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function innerOf(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner;
}

/** What `schema` accepts, in words (e.g. "a number in (0, 1)"). */
function expectedOf(schema: z.ZodType): string {
  const inner = innerOf(schema);
  if (inner instanceof z.ZodBoolean) return 'true or false';
  if (inner instanceof z.ZodNumber) return numberText(inner);
  return 'a valid value';
}

type Bound = { readonly value: number; readonly inclusive: boolean };

/**
 * A number schema's range in words: both ends as an interval (`(0, 1)`, `[0, 100]`), one end
 * as a comparison ("greater than 0", "≥ 1"), whether the bound is exclusive or inclusive.
 */
// TODO(#15): use the bound renderer the flag work adds to src/errors.ts once it lands, so
// config, flags and factories word a bound one way.
function numberText(schema: z.ZodNumber): string {
  let min: Bound | undefined;
  let max: Bound | undefined;
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string } & Partial<Bound>;
    if (def.check === 'greater_than') min = def as Bound;
    if (def.check === 'less_than') max = def as Bound;
  }
  const noun = schema.isInt ? 'an integer' : min && max ? 'a number' : 'a finite number';
  if (min && max) return `${noun} in ${min.inclusive ? '[' : '('}${min.value}, ${max.value}${max.inclusive ? ']' : ')'}`;
  if (min) return `${noun} ${min.inclusive ? '≥' : 'greater than'} ${min.value}`;
  if (max) return `${noun} ${max.inclusive ? '≤' : 'less than'} ${max.value}`;
  return noun;
}

/**
 * Validates a strategy's norm order against the schema: 'inf', Infinity (→ 'inf') or a
 * finite p ≥ 1; undefined gives the schema's default.
 */
export function normTypeOption(value: unknown): NormOrder {
  const parsed = NORM_TYPE.safeParse(value);
  if (parsed.success) return parsed.data;
  return invalidOption('normType', 'a number ≥ 1 or "inf"', value, 'Use 2 (Euclidean), 1, "inf" or any p ≥ 1.');
}

const NORM_TYPE = schemaFields('none').normType;

/** The norm order used when none is given: the clip schema's default (2). */
export const DEFAULT_NORM_TYPE: NormOrder = normTypeOption(undefined);
