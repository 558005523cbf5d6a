/**
 * Zod schemas of the `clip:` block, one variant per strategy kind, each option with its
 * flag. Kept apart from `schema.ts` because every new strategy adds a variant here. Field
 * names match the strategy factories' options in `src/clip/` (the registry passes them
 * through). An option flag selects its strategy (`--zclip-alpha` means `--clip zclip`).
 */
import { z } from 'zod';
import { flag } from './flag-meta.js';

const positive = () => z.number().positive();

/** Norm order: any p ≥ 1, or 'inf' (max |x|). Accepts `Infinity` from JS callers too. */
export const normTypeSchema = z.union([
  z.literal('inf'),
  z.number().min(1, { message: 'norm type must be ≥ 1 or "inf"' }),
  z.literal(Infinity).transform(() => 'inf' as const),
]);
export type NormType = number | 'inf';

const clipBase = {
  normType: normTypeSchema.default(2).meta(flag('--norm-type', 'norm order of the clip test and of the logged norms', { arg: 'p' })),
};

const noneSchema = z.strictObject({ kind: z.literal('none'), ...clipBase });

const normSchema = z.strictObject({
  kind: z.literal('norm'),
  ...clipBase,
  maxNorm: positive().meta(flag('--clip-norm', 'clip by global norm at x (PyTorch clip_grad_norm_)')),
  semantics: z
    .enum(['torch', 'exact', 'tf'])
    .default('torch')
    .meta(flag('--norm-semantics', 'torch: coef = min(x/(N+1e-6), 1), always applied; exact: optax, no epsilon; tf: TF, NaN on a non-finite norm')),
});

const valueSchema = z.strictObject({
  kind: z.literal('value'),
  ...clipBase,
  clipValue: positive().meta(flag('--clip-value', 'clamp each gradient element to [-x, x]')),
});

/** Keras `clipnorm`: each variable clipped to L2 norm ≤ maxNorm on its own. */
const tensorNormSchema = z.strictObject({
  kind: z.literal('tensor-norm'),
  ...clipBase,
  maxNorm: positive().meta(flag('--tensor-norm-max-norm', 'clip each variable to norm x on its own (Keras clipnorm)')),
});

/** Adaptive gradient clipping (Brock et al. 2021), optax layout by default. */
const agcSchema = z.strictObject({
  kind: z.literal('agc'),
  ...clipBase,
  clipping: positive().default(0.01).meta(flag('--agc-clipping', 'λ: largest ratio of a unit\'s gradient norm to its weight norm')),
  eps: positive().default(1e-3).meta(flag('--agc-eps', 'floor on the weight norm of a unit')),
  layout: z.enum(['optax', 'timm']).default('optax').meta(flag('--agc-layout', 'weight layout: optax (TF.js kernels) or timm (PyTorch weights)')),
  excludeFinal: z.boolean().default(false).meta(flag('--agc-exclude-final', 'leave the final classifier kernel unclipped, as the paper does')),
});

/** AutoClip (Seetharaman et al. 2020): percentile of the norm history. */
const autoclipSchema = z.strictObject({
  kind: z.literal('autoclip'),
  ...clipBase,
  percentile: z.number().min(0).max(100).default(10).meta(flag('--autoclip-percentile', 'percentile of the norm history')),
  window: z.number().int().positive().optional().meta(flag('--autoclip-window', 'keep only the last n norms; default: all')),
  includeCurrent: z
    .boolean()
    .default(true)
    .meta(flag('--autoclip-include-current', "include this step's norm in the percentile, as the paper (off: past norms only, as the pip package)")),
  historyFilter: z
    .enum(['finite-positive', 'all'])
    .default('finite-positive')
    .meta(flag('--autoclip-history-filter', 'finite-positive keeps NaN, Inf and 0 out of the history; all: the paper (one NaN poisons it)')),
});

/** ZClip (Kumar et al. 2025): z-score clipping on EMAs of the norm. */
const zclipSchema = z.strictObject({
  kind: z.literal('zclip'),
  ...clipBase,
  mode: z
    .enum(['zscore', 'percentile'])
    .default('zscore')
    .meta(flag('--zclip-mode', 'zscore: the paper\'s rule; percentile: clip everything above μ + z·σ')),
  alpha: z.number().gt(0).lt(1).default(0.97).meta(flag('--zclip-alpha', 'EMA smoothing of the norm mean and variance')),
  zThreshold: positive().default(2.5).meta(flag('--zclip-z-threshold', 'z-score that counts as a spike')),
  warmupSteps: z.number().int().positive().default(25).meta(flag('--zclip-warmup-steps', 'steps collected before the EMAs start')),
  maxNorm: positive().optional().meta(flag('--zclip-max-norm', 'hard cap on the global norm; default: none')),
  clipOption: z.enum(['adaptive_scaling', 'mean']).default('adaptive_scaling').meta(flag('--zclip-clip-option', 'what a spike is clipped to')),
  clipFactor: positive().default(1).meta(flag('--zclip-clip-factor', 'multiplies the adaptive threshold')),
  skipUpdateOnSpike: z.boolean().default(false).meta(flag('--zclip-skip-update-on-spike', 'keep spikes out of the EMAs')),
});

/** AdaGC (Wang et al. 2025): each tensor clipped against an EMA of its own norms, after a global warm-up. */
const adagcSchema = z.strictObject({
  kind: z.literal('adagc'),
  ...clipBase,
  clipRatio: positive().default(1.04).meta(flag('--adagc-clip-ratio', 'clip a tensor above r × the EMA of its norms')),
  beta: z.number().min(0).lt(1).default(0.99).meta(flag('--adagc-beta', 'EMA coefficient of the per-tensor norms')),
  warmupSteps: z.number().int().min(0).default(100).meta(flag('--adagc-warmup-steps', 'steps of global norm clipping first')),
  /** The warm-up's global norm threshold (λ_abs). */
  maxNorm: positive().default(1).meta(flag('--adagc-max-norm', 'global norm threshold of the warm-up (λ_abs)')),
  historyFilter: z
    .enum(['finite-positive', 'all'])
    .default('finite-positive')
    .meta(flag('--adagc-history-filter', 'finite-positive keeps NaN, Inf and 0 out of the EMAs; all: the reference (one NaN poisons it)')),
});

/**
 * StableAdamW's update clipping (Wortsman et al. 2023): each tensor's Adam step is scaled by
 * 1/max(1, RMS/maxRms). Acts on the optimizer update, so it is a top-level kind only (no chain).
 */
const updateClipSchema = z.strictObject({
  kind: z.literal('update-clip'),
  ...clipBase,
  maxRms: positive()
    .default(1)
    .meta(flag('--update-clip-max-rms', "scale a tensor's Adam step by 1/max(1, RMS/r); needs --optimizer adam")),
});

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
  options: z
    .record(z.string(), z.json())
    .default({})
    .meta(flag('--clip-options', 'options for the plugin module\'s factory, as JSON5: \'{"maxNorm": 2}\'', { arg: 'json' })),
});

/** Every kind but `chain` (a chain's children cannot be chains). */
const leafVariants = [noneSchema, normSchema, valueSchema, tensorNormSchema, agcSchema, autoclipSchema, zclipSchema, adagcSchema, moduleSchema] as const;
export const leafClipSchema = z.discriminatedUnion('kind', [...leafVariants]);
export type LeafClipConfig = z.infer<typeof leafClipSchema>;

/** Several strategies in sequence, e.g. zclip then a hard norm cap. */
const chainSchema = z.strictObject({ kind: z.literal('chain'), ...clipBase, strategies: z.array(leafClipSchema).min(1) });

/** The `clip:` block: one variant per strategy kind, discriminated by `kind`. */
export const clipSchema = z.discriminatedUnion('kind', [...leafVariants, updateClipSchema, chainSchema]).meta(
  flag('--clip', 'clip strategy, or the path of a plugin module (./my-clip.js)', {
    arg: 'kind|module',
    selectsKind: true,
    path: { pattern: String.raw`^(\.{1,2}[\\/]|[\\/]|file:)|\.[cm]?[jt]s$`, kind: 'module', key: 'module' },
  }),
);
export type ClipConfig = z.infer<typeof clipSchema>;
