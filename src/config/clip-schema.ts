/**
 * Zod schemas of the `clip:` block, one variant per strategy kind. Kept apart from
 * `schema.ts` because every new strategy adds a variant here.
 */
import { z } from 'zod';

const positive = () => z.number().positive();

/** Norm order: any p ≥ 1, or 'inf' (max |x|). Accepts `Infinity` from JS callers too. */
export const normTypeSchema = z.union([
  z.literal('inf'),
  z.number().min(1, { message: 'norm type must be ≥ 1 or "inf"' }),
  z.literal(Infinity).transform(() => 'inf' as const),
]);
export type NormType = number | 'inf';

const clipBase = {
  /** Norm order used for the clip test and for the logged norms. */
  normType: normTypeSchema.default(2),
};

export const clipSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none'), ...clipBase }),
  z.strictObject({
    kind: z.literal('norm'),
    ...clipBase,
    maxNorm: positive(),
    /** torch: coef = min(max/(N+1e-6), 1), always applied. exact: TF/optax, no epsilon. */
    semantics: z.enum(['torch', 'exact']).default('torch'),
  }),
  z.strictObject({ kind: z.literal('value'), ...clipBase, clipValue: positive() }),
]);
export type ClipConfig = z.infer<typeof clipSchema>;

