/**
 * Zod schemas of the `clip:` block, one variant per strategy kind. Kept apart from
 * `schema.ts` because every new strategy adds a variant here. Field names match the
 * strategy factories' options in `src/clip/` (the registry passes them through).
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

const noneSchema = z.strictObject({ kind: z.literal('none'), ...clipBase });

const normSchema = z.strictObject({
  kind: z.literal('norm'),
  ...clipBase,
  maxNorm: positive(),
  /** torch: coef = min(max/(N+1e-6), 1), always applied. exact: optax, no epsilon. tf: TF, NaN on non-finite. */
  semantics: z.enum(['torch', 'exact', 'tf']).default('torch'),
});

const valueSchema = z.strictObject({ kind: z.literal('value'), ...clipBase, clipValue: positive() });

/** Keras `clipnorm`: each variable clipped to L2 norm ≤ maxNorm on its own. */
const tensorNormSchema = z.strictObject({ kind: z.literal('tensor-norm'), ...clipBase, maxNorm: positive() });

/** Adaptive gradient clipping (Brock et al. 2021), optax layout by default. */
const agcSchema = z.strictObject({
  kind: z.literal('agc'),
  ...clipBase,
  clipping: positive().default(0.01),
  eps: positive().default(1e-3),
  layout: z.enum(['optax', 'timm']).default('optax'),
  /** Leave the final classifier kernel unclipped, as the paper does. */
  excludeFinal: z.boolean().default(false),
});

/** AutoClip (Seetharaman et al. 2020): percentile of the norm history. */
const autoclipSchema = z.strictObject({
  kind: z.literal('autoclip'),
  ...clipBase,
  percentile: z.number().min(0).max(100).default(10),
  window: z.number().int().positive().optional(),
  includeCurrent: z.boolean().default(true),
  historyFilter: z.enum(['finite-positive', 'all']).default('finite-positive'),
});

/** ZClip (Kumar et al. 2025): z-score clipping on EMAs of the norm. */
const zclipSchema = z.strictObject({
  kind: z.literal('zclip'),
  ...clipBase,
  /** zscore: the paper's rule; percentile: clip everything above μ + z_t·σ. */
  mode: z.enum(['zscore', 'percentile']).default('zscore'),
  alpha: z.number().gt(0).lt(1).default(0.97),
  zThreshold: positive().default(2.5),
  warmupSteps: z.number().int().positive().default(25),
  /** Optional hard cap on the norm. */
  maxNorm: positive().optional(),
  clipOption: z.enum(['adaptive_scaling', 'mean']).default('adaptive_scaling'),
  clipFactor: positive().default(1),
  skipUpdateOnSpike: z.boolean().default(false),
});

/** AdaGC (Wang et al. 2025): each tensor clipped against an EMA of its own norms, after a global warm-up. */
const adagcSchema = z.strictObject({
  kind: z.literal('adagc'),
  ...clipBase,
  clipRatio: positive().default(1.04),
  beta: z.number().min(0).lt(1).default(0.99),
  warmupSteps: z.number().int().min(0).default(100),
  /** The warm-up's global norm threshold (λ_abs). */
  maxNorm: positive().default(1),
  historyFilter: z.enum(['finite-positive', 'all']).default('finite-positive'),
});

/**
 * StableAdamW's update clipping (Wortsman et al. 2023): each tensor's Adam step is scaled by
 * 1/max(1, RMS/maxRms). Acts on the optimizer update, so it is a top-level kind only (no chain).
 */
const updateClipSchema = z.strictObject({ kind: z.literal('update-clip'), ...clipBase, maxRms: positive().default(1) });

/** The optimizers `update-clip` works with: it reads Adam's second moment. */
export const UPDATE_CLIP_OPTIMIZERS: readonly string[] = ['adam'];

/**
 * Why `clipKind` cannot run with `optimizer` (null when it can): `update-clip` needs Adam's
 * bias-corrected second moment, which SGD and momentum do not keep and RMSprop keeps
 * without bias correction (its first steps would all be clipped).
 */
export function clipOptimizerIssue(clipKind: string, optimizer: string): { message: string; hint: string } | null {
  if (clipKind !== 'update-clip' || UPDATE_CLIP_OPTIMIZERS.includes(optimizer)) return null;
  return {
    message: `clip kind 'update-clip' scales Adam's update and needs train.optimizer adam, received '${optimizer}'`,
    hint: 'Use --optimizer adam, or clip the gradient instead (e.g. --clip adagc or --clip zclip), which works with every optimizer.',
  };
}

/**
 * A user's own strategy from a JS module (`--clip ./my-clip.js`). `module` is a path
 * (relative ones are relative to the config file, or to the working directory for a flag)
 * or a `file:` URL; `options` are handed to the module's factory unchanged, so they must be
 * plain JSON data. Loaded and validated by `resolveStrategy` in `src/clip/plugin.ts`.
 */
const moduleSchema = z.strictObject({
  kind: z.literal('module'),
  ...clipBase,
  module: z.string().min(1),
  options: z.record(z.string(), z.json()).default({}),
});

/** Every kind but `chain` (a chain's children cannot be chains). */
const leafVariants = [noneSchema, normSchema, valueSchema, tensorNormSchema, agcSchema, autoclipSchema, zclipSchema, adagcSchema, moduleSchema] as const;
export const leafClipSchema = z.discriminatedUnion('kind', [...leafVariants]);
export type LeafClipConfig = z.infer<typeof leafClipSchema>;

/** Several strategies in sequence, e.g. zclip then a hard norm cap. */
const chainSchema = z.strictObject({ kind: z.literal('chain'), ...clipBase, strategies: z.array(leafClipSchema).min(1) });

/** The `clip:` block: one variant per strategy kind, discriminated by `kind`. */
export const clipSchema = z.discriminatedUnion('kind', [...leafVariants, updateClipSchema, chainSchema]);
export type ClipConfig = z.infer<typeof clipSchema>;
