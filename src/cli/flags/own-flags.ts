/**
 * The flags of gclip's commands that are not config fields, each written once. Config
 * flags (`--lr`, `--zclip-alpha`, ...) are not here: they come from the schema.
 */
import { DEFAULT_POINTS, DEFAULT_SEEDS, DEFAULT_THRESHOLDS, DEFAULT_TOLERANCE, SWEEP_BOUNDS } from '../../sweep/settings.js';
import { DEFAULT_LEASE_MS } from '../../sweep/store.js';
import { TEMPLATES } from '../templates/registry.js';
import { CROSS_BACKEND_RTOL } from '../../train/replay-compare.js';
import type { OwnFlag } from './types.js';

const LOG = 'to --log';
const column = (name: string, what: string, tried?: string): OwnFlag => ({
  name: `--${name}-column`,
  arg: 'name',
  about: `CSV column holding ${what}${tried ? ` (default: the first of ${tried}, ...)` : ''}`,
  scope: LOG,
});

/** Shared by train, sweep and config print (check words it for its two modes). */
export const CONFIG: OwnFlag = { name: '--config', short: '-c', arg: 'file', about: 'run config (YAML or JSON); default: the built-in demo (configs/demo.yaml)' };
/**
 * The max norm a foreign run clipped at (`check --log`, `report`): HF `grad_norm` and
 * Lightning `grad_2.0_norm_total` are pre-clip, so without it the clip rate is unknown.
 */
const MAX_GRAD_NORM = {
  name: '--max-grad-norm',
  arg: 'x',
  about: "the max norm the logged run clipped at (HF TrainingArguments.max_grad_norm, Lightning gradient_clip_val); its logged norms are pre-clip, so without it the clip rate is unknown",
  bounds: { gt: 0 },
} satisfies OwnFlag;

/** Shared by train and check (when it trains). */
export const OVERWRITE: OwnFlag = { name: '--overwrite', about: 'replace an earlier run in --out' };

/** `gclip train`. */
export const TRAIN = {
  json: { name: '--json', about: 'print the summary as one JSON object on stdout, nothing else' },
  quiet: { name: '--quiet', short: '-q', about: 'no progress output (events and the summary still print)' },
  resume: { name: '--resume', arg: 'dir', about: "continue the run in this directory from its last complete checkpoint (config: its config.json unless --config is given)" },
  force: { name: '--force', about: 'with --resume: continue although the config or the backend differ from the checkpoint\'s' },
} satisfies Record<string, OwnFlag>;

/** `gclip check`, both modes: reading a log (`--log`) and training a config. */
export const CHECK = {
  config: { ...CONFIG, about: 'run config to train (default: the built-in demo); with --log, only its check: criteria are used' },
  log: { name: '--log', arg: 'file', about: 'judge an existing log instead of training: gclip steps.jsonl, CSV (Lightning metrics.csv) or HF trainer_state.json' },
  format: { name: '--format', arg: 'format', about: 'log format; default: from the extension, then the content', choices: ['gclip', 'csv', 'hf'], scope: LOG },
  stepColumn: column('step', 'the step', 'step, global_step'),
  lossColumn: column('loss', 'the training loss', 'loss, train_loss'),
  gradNormColumn: column('grad-norm', 'the pre-clip gradient norm', 'grad_norm, grad_2.0_norm_total'),
  lrColumn: column('lr', 'the learning rate'),
  valLossColumn: column('val-loss', 'the validation loss'),
  maxGradNorm: { ...MAX_GRAD_NORM, scope: LOG },
  clippedAt: { ...MAX_GRAD_NORM, name: '--clipped-at', about: 'the same as --max-grad-norm (older name)', scope: LOG },
  baseline: { name: '--baseline', arg: 'summary.json', about: "fail when final loss or grad-norm median/p90 are worse than this earlier run's summary (tolerances in check.baseline)" },
  junit: { name: '--junit', arg: 'file', about: 'also write the verdict as JUnit XML (one test case per criterion)' },
  json: { name: '--json', about: 'print one JSON object {passed, steps, criteria[...]} on stdout, nothing else' },
  quiet: { name: '--quiet', short: '-q', about: 'no progress output while training' },
} satisfies Record<string, OwnFlag>;

/** Printed by `gclip sweep` and `gclip sweep merge`. */
const REPORT_JSON: OwnFlag = { name: '--json', about: 'print the report as one JSON object on stdout, nothing else' };

/** Shared by `gclip sweep` and `gclip sweep worker`. */
const JOBS: OwnFlag = { name: '--jobs', short: '-j', arg: 'n', about: 'parallel worker processes; default: the number of cores', bounds: SWEEP_BOUNDS.jobs };

/** `gclip sweep`. Defaults and bounds come from `sweep/settings.ts`, which the sweep applies. */
export const SWEEP = {
  thresholds: { name: '--thresholds', arg: 'list', about: 'comma-separated max norms', shownDefault: DEFAULT_THRESHOLDS.join(',') },
  range: { name: '--range', arg: 'a:b', about: 'log-spaced thresholds from a to b (with --points)' },
  points: { name: '--points', arg: 'n', about: 'number of thresholds in --range', bounds: SWEEP_BOUNDS.points, shownDefault: DEFAULT_POINTS },
  seeds: { name: '--seeds', arg: 'n', about: 'seeds per point', bounds: SWEEP_BOUNDS.seeds, shownDefault: DEFAULT_SEEDS },
  strategies: { name: '--strategies', arg: 'list', about: 'adaptive rows to add, e.g. autoclip,zclip,agc' },
  tolerance: {
    name: '--tolerance',
    arg: 'x',
    about: 'relative final-loss tolerance of the recommendation rule',
    bounds: SWEEP_BOUNDS.tolerance,
    shownDefault: DEFAULT_TOLERANCE,
  },
  jobs: JOBS,
  lrs: { name: '--lrs', arg: 'list', about: 'comma-separated learning rates: a second axis (every lr × max_norm cell, plus unclipped per lr)' },
  lrRange: { name: '--lr-range', arg: 'a:b', about: 'log-spaced learning rates from a to b (with --lr-points)' },
  lrPoints: { name: '--lr-points', arg: 'n', about: 'number of learning rates in --lr-range', bounds: SWEEP_BOUNDS.points, shownDefault: DEFAULT_POINTS },
  store: { name: '--store', arg: 'dir', about: 'shared store (any directory every worker reaches): plan, results, leases; this process works on it too, and `gclip sweep worker --store DIR` joins' },
  rollbackRow: { name: '--rollback-row', about: 'add a candidate row: no clipping + rollback on non-finite values and divergence (detect.rollback settings)' },
  prune: { name: '--prune', about: 'with --store: skip the remaining seeds of cells the rule can no longer recommend (reported as pruned)' },
  pointTimeout: { name: '--point-timeout', arg: 's', about: 'kill a run that takes longer than s seconds and report it as timeout', bounds: SWEEP_BOUNDS.pointTimeout },
  lease: { name: '--lease', arg: 's', about: 'with --store: seconds a dead worker keeps its task before another reclaims it', bounds: SWEEP_BOUNDS.lease, shownDefault: DEFAULT_LEASE_MS / 1000 },
  shard: { name: '--shard', arg: 'i/n', about: 'run shard i of n (1-based); combine with `gclip sweep merge`' },
  out: { name: '--out', short: '-o', arg: 'dir', about: 'sweep directory: plan, cache, sweep.json; default: sweeps/<name>' },
  fresh: { name: '--fresh', about: 'ignore cached results and rerun every point' },
  json: REPORT_JSON,
  quiet: { name: '--quiet', short: '-q', about: 'no progress output' },
} satisfies Record<string, OwnFlag>;

/** `gclip sweep worker`. */
export const WORKER = {
  store: { name: '--store', arg: 'dir', about: 'the shared store to work on (created by `gclip sweep --store DIR`)' },
  jobs: JOBS,
  quiet: { name: '--quiet', short: '-q', about: 'no progress output' },
} satisfies Record<string, OwnFlag>;

/** `gclip sweep status`. */
export const STATUS = {
  json: { name: '--json', about: 'print the status as one JSON object on stdout' },
} satisfies Record<string, OwnFlag>;

/** `gclip sweep merge`. */
export const MERGE = {
  out: { name: '--out', short: '-o', arg: 'dir', about: 'where to write sweep.json; default: the first directory' },
  json: REPORT_JSON,
} satisfies Record<string, OwnFlag>;

/** `gclip report`. */
export const REPORT = {
  html: { name: '--html', arg: 'file', about: 'also write a self-contained HTML report (charts, summary table) to this file' },
  width: { name: '--width', arg: 'cols', about: 'terminal chart width in columns', bounds: { integer: true, min: 20, max: 1000 }, shownDefault: 72 },
  maxGradNorm: { ...MAX_GRAD_NORM, about: `${MAX_GRAD_NORM.about} (foreign logs only)` },
  json: { name: '--json', about: "print the summary as one JSON object on stdout instead of the charts (a run: the summary table's facts with the onset and its batch; a sweep: its points)" },
} satisfies Record<string, OwnFlag>;

/** `gclip init`. */
export const INIT = {
  template: { name: '--template', short: '-t', arg: 'name', about: 'which starter config', choices: Object.keys(TEMPLATES), default: 'demo' },
  out: { name: '--out', short: '-o', arg: 'file', about: 'file to write (.yaml, .yml or .json)', default: 'gclip.yaml' },
  force: { name: '--force', short: '-f', about: 'overwrite the file if it exists' },
} satisfies Record<string, OwnFlag>;

/** `gclip replay RUN_DIR`. The tolerance's default is `CROSS_BACKEND_RTOL` (train/replay-compare). */
export const REPLAY = {
  step: { name: '--step', arg: 'k', about: 'the logged step to recompute (required)', bounds: { integer: true, min: 0 } },
  backend: { name: '--backend', arg: 'name', about: "backend that replays; default: the run's (then every quantity must be bit-equal)", choices: ['auto', 'node', 'wasm', 'cpu'] },
  tolerance: { name: '--tolerance', arg: 'x', about: "relative tolerance on another backend than the run's", bounds: { min: 0 }, shownDefault: CROSS_BACKEND_RTOL },
  json: { name: '--json', about: 'print the comparison as one JSON object on stdout, nothing else' },
} satisfies Record<string, OwnFlag>;

/** `gclip config print`. */
export const PRINT_JSON: OwnFlag = { name: '--json', about: 'print JSON instead of YAML' };
/** `gclip doctor`. */
export const DOCTOR_JSON: OwnFlag = { name: '--json', about: 'print the diagnosis as JSON' };
