/**
 * Zod schemas: the single source of truth for the run configuration, its defaults, and
 * the flags that override it (`.meta(flag(...))` beside each field). Objects are strict
 * (unknown keys are errors, rendered with a did-you-mean hint by `config/merge`), numbers
 * are finite (zod 4 rejects NaN and ±Infinity), thresholds are positive. The blocks live
 * in `<block>-schema.ts`; this file assembles them.
 */
import { z } from 'zod';
import { RUN_NAME_PATTERN, RUN_NAME_RULE } from '../guard/run-name.js';
import { checkSchema } from './check-schema.js';
import { clipOptimizerIssue, clipSchema } from './clip-schema.js';
import { dataSchema } from './data-schema.js';
import { detectSchema } from './detect-schema.js';
import { flag } from './flag-meta.js';
import { injectSchema } from './inject-schema.js';
import { modelSchema } from './model-schema.js';

export { clipSchema, normTypeSchema, type ClipConfig, type NormType } from './clip-schema.js';
export { actionSchema, detectSchema, type Action, type DetectConfig } from './detect-schema.js';
export {
  initSchema,
  mlpModelSchema,
  rnnModelSchema,
  lstmModelSchema,
  gruModelSchema,
  cnnModelSchema,
  fileModelSchema,
  modelSchema,
  type InitConfig,
  type FileModelConfig,
  type LstmModelConfig,
  type GruModelConfig,
  type CnnModelConfig,
  type ModelConfig,
} from './model-schema.js';
export {
  regressionDataSchema,
  classificationDataSchema,
  addingDataSchema,
  imagesDataSchema,
  fileDataSchema,
  dataSchema,
  type FileDataConfig,
  type ImagesDataConfig,
  type DataConfig,
} from './data-schema.js';

const positive = () => z.number().positive();
const positiveInt = () => z.number().int().positive();

/** The optimizers gclip builds (tfjs's, with gclip's fused update). */
export const optimizerSchema = z.enum(['sgd', 'momentum', 'adam', 'rmsprop']);

/** The `train:` block: how long and how to optimise. */
export const trainSchema = z.strictObject({
  steps: positiveInt().default(200).meta(flag('--steps', 'optimizer steps; ignored when epochs is set')),
  epochs: positiveInt().optional().meta(flag('--epochs', 'whole passes over the training split; overrides steps')),
  optimizer: optimizerSchema.default('adam').meta(flag('--optimizer', 'optimizer')),
  lr: positive().default(0.001).meta(flag('--lr', 'learning rate')),
  /** Momentum for `momentum` and `rmsprop`. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** Evaluate the validation loss every N steps (0 = never). */
  evalEvery: z.number().int().min(0).default(0),
  loss: z
    .enum(['auto', 'mse', 'mae', 'huber', 'binary-crossentropy', 'categorical-crossentropy'])
    .default('auto')
    .meta(flag('--loss', "loss; auto: the model.json's training_config.loss, else mse for regression and categorical cross-entropy for classification")),
});

/** The `log:` block: where the run's files go and how often progress prints. */
export const logSchema = z.strictObject({
  out: z
    .string()
    .min(1)
    .optional()
    .meta(flag('--out', 'run directory for steps.jsonl and summary.json; default for gclip train: runs/<timestamp>-<name>, for gclip check: none', { short: '-o', arg: 'dir' })),
  /** Progress line every N steps when stderr is not a TTY. */
  every: positiveInt().default(25),
  tensorboard: z
    .string()
    .min(1)
    .optional()
    .meta(flag('--tensorboard', 'also write TensorBoard event files (scalars, per-layer norms, gradient histograms) into this directory', { arg: 'dir' })),
  /** Gradient histograms per layer every N steps in the TensorBoard files. */
  histogramEvery: positiveInt().default(100),
});

/** The `checkpoint:` block: resumable snapshots of a run in `<run dir>/checkpoints/` (docs/checkpoints.md). */
export const checkpointSchema = z.strictObject({
  every: z
    .number()
    .int()
    .min(0)
    .default(0)
    .meta(flag('--checkpoint-every', 'also checkpoint every N steps (0: only at the end of the run and on an interrupt); resume with --resume', { arg: 'n' })),
  /** Complete checkpoints kept; older ones are deleted after a newer one is complete. */
  keep: positiveInt().default(3),
});

/** The tfjs backends gclip can run on; `auto` picks the fastest that loads. */
export const backendSchema = z.enum(['auto', 'node', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof backendSchema>;

/**
 * The fields of a run configuration, without the cross-field rules: what `monitor()` picks
 * its `clip`/`detect`/`log` sections from (zod cannot pick from a refined object).
 */
export const runConfigFields = z.strictObject({
  name: z
    .string()
    .regex(RUN_NAME_PATTERN, `expected ${RUN_NAME_RULE}`)
    .default('run')
    // The help text is the rule, so a refused name reads "expected <rule>" (schema-nodes describeExpected).
    .meta(flag('--name', RUN_NAME_RULE)),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(42)
    .meta(flag('--seed', 'random seed of the data, the initial weights and the batch order')),
  backend: backendSchema.default('auto').meta(flag('--backend', 'tfjs backend; auto: tfjs-node, then wasm, then cpu')),
  model: modelSchema.prefault({ kind: 'mlp' }),
  data: dataSchema.prefault({ kind: 'regression' }),
  train: trainSchema.prefault({}),
  clip: clipSchema.prefault({ kind: 'none' }),
  detect: detectSchema.prefault({}),
  log: logSchema.prefault({}),
  checkpoint: checkpointSchema.prefault({}),
  /** Stability criteria `gclip check` judges the run (or a log) against. */
  check: checkSchema.prefault({}),
  /** Faults to inject on purpose (`nan@20`, `spike@40:100`): see `inject-schema.ts`. */
  inject: injectSchema,
});

/** A whole run configuration: what `gclip train` runs and a config file holds. */
export const runConfigSchema = runConfigFields.superRefine((config, ctx) => {
  const issue = clipOptimizerIssue(config.clip.kind, config.train.optimizer);
  if (issue) ctx.addIssue({ code: 'custom', path: ['train', 'optimizer'], message: issue.message, params: { hint: issue.hint } });
});

/** The fully resolved configuration of one run (defaults ← file ← flags). */
export type RunConfig = z.infer<typeof runConfigSchema>;
/** What a config file may contain before defaults are applied. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
