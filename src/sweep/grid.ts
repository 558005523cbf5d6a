/**
 * The sweep grid (pure): which thresholds and strategies to try, with which seeds, and the
 * exact run config of every (point, seed) task. Every task of one seed shares the data,
 * initial weights and batch order (they are forked from the seed in `train/setup`), so
 * points differ only in their clip block.
 */
import { clipSchema, type ClipConfig, type RunConfig } from '../config/schema.js';
import { numberFlag } from '../config/bounds.js';
import { clipOptimizerIssue } from '../config/clip-schema.js';
import { inputError } from '../errors.js';
import { isRollbackRow, rollbackDetect, ROLLBACK_POINT, ROLLBACK_STRATEGY } from './rollback-row.js';
import { DEFAULT_POINTS, DEFAULT_SEEDS, DEFAULT_THRESHOLDS, DEFAULT_TOLERANCE, SWEEP_BOUNDS } from './settings.js';

export { DEFAULT_SEEDS, DEFAULT_THRESHOLDS } from './settings.js';

/** One row of the sweep: the unclipped baseline, a fixed max norm, or an adaptive strategy. */
export interface SweepPoint {
  /** Stable id: `baseline`, `norm@0.5`, `autoclip`. */
  readonly id: string;
  /** Max norm for global-norm points; null for the baseline and adaptive strategies. */
  readonly threshold: number | null;
  /** Clip kind of the point: `none`, `norm`, or the adaptive kind. */
  readonly strategy: string;
  /** Learning rate of the point's column; null without an lr axis (the config's lr). */
  readonly lr: number | null;
}

/** Everything that decides a sweep's results: the base config, the points and the seeds. */
export interface SweepPlan {
  /** Resolved base config (its `clip` block is replaced per point). */
  readonly base: RunConfig;
  readonly points: readonly SweepPoint[];
  /** Seeds used by every point: `base.seed`, `base.seed + 1`, ... */
  readonly seeds: readonly number[];
  /** Relative final-loss tolerance of the recommendation rule (see recommend.ts). */
  readonly tolerance: number;
  /** The lr axis, ascending; empty without one (plans written before it have none). */
  readonly lrs?: readonly number[];
}

/** One training run of the sweep. */
export interface SweepTask {
  readonly pointId: string;
  readonly seed: number;
  /** The fully resolved config this run trains. */
  readonly config: RunConfig;
}

/** What `buildSweepPlan` needs besides the base config. */
export interface GridOptions {
  /** Explicit thresholds; else `range`; else DEFAULT_THRESHOLDS. */
  readonly thresholds?: readonly number[];
  readonly range?: { readonly from: number; readonly to: number; readonly points: number };
  readonly seeds?: number;
  /** Adaptive clip kinds to add as rows (`autoclip`, `zclip`, `agc`, ...). */
  readonly strategies?: readonly string[];
  /** Relative tolerance on the best final loss; default 0.05. */
  readonly tolerance?: number;
  /** The lr axis (`--lrs`); else `lrRange`; else none (the config's lr only). */
  readonly lrs?: readonly number[];
  readonly lrRange?: { readonly from: number; readonly to: number; readonly points: number };
  /** Add the "no clipping + rollback" row to each column (`--rollback-row`, see `rollback-row`). */
  readonly rollback?: boolean;
}

/** Rounds to 2 significant digits (0.1234 → 0.12, 3.16 → 3.2), so grid values stay readable. */
export function roundSignificant(x: number, digits = 2): number {
  return Number(x.toPrecision(digits));
}

/**
 * `points` log-spaced values from `from` to `to` (both included), each rounded to 2
 * significant digits; duplicates created by rounding are dropped. Ascending.
 * Example: logRange(0.1, 10, 3) → [0.1, 1, 10].
 */
export function logRange(from: number, to: number, points: number): number[] {
  if (points === 1) return [roundSignificant(from)];
  const [lo, hi] = [Math.log(from), Math.log(to)];
  const values = Array.from({ length: points }, (_, i) => roundSignificant(Math.exp(lo + ((hi - lo) * i) / (points - 1))));
  return uniqueSorted(values);
}

function uniqueSorted(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The grid's thresholds, ascending and unique. Throws `invalid_flag` on non-positive values. */
export function gridThresholds(o: Pick<GridOptions, 'thresholds' | 'range'>): number[] {
  return axisValues('--thresholds', o.thresholds ?? (o.range ? logRange(o.range.from, o.range.to, o.range.points) : DEFAULT_THRESHOLDS));
}

/** The grid's learning rates, ascending and unique; empty without an lr axis. Throws `invalid_flag`. */
export function gridLrs(o: Pick<GridOptions, 'lrs' | 'lrRange'>): number[] {
  return axisValues('--lrs', o.lrs ?? (o.lrRange ? logRange(o.lrRange.from, o.lrRange.to, o.lrRange.points) : []));
}

function axisValues(flag: string, values: readonly number[]): number[] {
  const bad = values.find((v) => !(Number.isFinite(v) && v > 0));
  if (bad !== undefined) throw flagError(flag, `every value must be a finite number > 0, received ${bad}`);
  return uniqueSorted(values);
}

/** Id of a point: `norm@0.5`, `baseline`, `autoclip`; prefixed with `lr@0.01/` on an lr axis. */
export function pointId(id: string, lr: number | null): string {
  return lr === null ? id : `lr@${lr}/${id}`;
}

/** The clip kinds `clipSchema` knows in this build (`none`, `norm`, ..., the adaptive ones). */
export function knownClipKinds(): string[] {
  return clipSchema.options.map((o) => String(o.shape.kind.value));
}

/** The `clip:` block of a point, with defaults applied; the base's options win for its own kind. */
export function pointClip(base: RunConfig, point: SweepPoint): ClipConfig {
  const normType = base.clip.normType;
  if (point.strategy === 'norm') {
    const semantics = base.clip.kind === 'norm' ? base.clip.semantics : undefined;
    return clipSchema.parse({ kind: 'norm', normType, maxNorm: point.threshold, semantics });
  }
  const kind = isRollbackRow(point) ? 'none' : point.strategy;
  if (base.clip.kind === kind) return base.clip;
  return clipSchema.parse({ kind, normType });
}

/**
 * Builds the plan: baseline first, then thresholds ascending, then adaptive strategies in
 * the order given, then the rollback row when asked for. Throws GclipError (exit 2) `unknown_strategy` for a kind this build
 * does not have, or one that needs options it has no default for; `incompatible_strategy`
 * for one the base config's optimizer cannot run (`update-clip` without Adam).
 */
export function buildSweepPlan(base: RunConfig, o: GridOptions = {}): SweepPlan {
  const lrs = gridLrs(o);
  const thresholds = gridThresholds(o);
  const points = (lrs.length ? lrs : [null]).flatMap((lr) => {
    const column: SweepPoint[] = [{ id: pointId('baseline', lr), threshold: null, strategy: 'none', lr }];
    for (const t of thresholds) column.push({ id: pointId(`norm@${t}`, lr), threshold: t, strategy: 'norm', lr });
    for (const s of o.strategies ?? []) column.push(strategyPoint(base, s, lr));
    if (o.rollback) column.push({ id: pointId(ROLLBACK_POINT, lr), threshold: null, strategy: ROLLBACK_STRATEGY, lr });
    return column;
  });
  const count = numberFlag('--seeds', o.seeds ?? DEFAULT_SEEDS, SWEEP_BOUNDS.seeds);
  const seeds = Array.from({ length: count }, (_, i) => base.seed + i);
  return { base: sweepBase(base), points, seeds, tolerance: o.tolerance ?? DEFAULT_TOLERANCE, lrs };
}

function strategyPoint(base: RunConfig, kind: string, lr: number | null): SweepPoint {
  const known = knownClipKinds().filter((k) => !['none', 'norm', 'chain'].includes(k));
  const point = { id: pointId(kind, lr), threshold: null, strategy: kind, lr };
  if (!known.includes(kind)) {
    throw inputError('unknown_strategy', {
      path: 'strategies',
      message: `Unknown strategy '${kind}' for --strategies: this build has ${known.join(', ') || 'no adaptive strategies'}`,
      hint: `Use a comma-separated list of ${known.join(', ')}; fixed thresholds go in --thresholds.`,
      source: '--strategies',
    });
  }
  const mismatch = clipOptimizerIssue(kind, base.train.optimizer);
  if (mismatch) throw inputError('incompatible_strategy', { path: 'strategies', message: `--strategies ${kind}: ${mismatch.message}`, hint: mismatch.hint, source: '--strategies' });
  const parsed = clipSchema.safeParse({ kind, normType: base.clip.normType });
  if (!parsed.success && base.clip.kind !== kind) {
    throw inputError('unknown_strategy', {
      path: 'strategies',
      message: `Strategy '${kind}' has required options and no defaults`,
      hint: `Put a clip: {kind: ${kind}, ...} block in the config to sweep it with your options.`,
      source: '--strategies',
    });
  }
  return point;
}

/**
 * The base config every task derives from: early stop on instability forced on (a
 * non-finite value or a divergence halts the run, whatever the config says), so unstable
 * points cost a few steps, and no run directory (the sweep keeps its own files).
 */
function sweepBase(base: RunConfig): RunConfig {
  const detect = {
    ...base.detect,
    nonfinite: { ...base.detect.nonfinite, action: 'halt' as const },
    divergence: { ...base.detect.divergence, action: 'halt' as const },
  };
  const { out: _out, ...log } = base.log;
  return { ...base, detect, log };
}

/** Every task of the plan: points in plan order, seeds ascending within a point. */
export function planTasks(plan: SweepPlan): SweepTask[] {
  return plan.points.flatMap((point) =>
    plan.seeds.map((seed) => ({ pointId: point.id, seed, config: pointConfig(plan.base, point, seed) })),
  );
}

function pointConfig(base: RunConfig, point: SweepPoint, seed: number): RunConfig {
  const train = point.lr === null || point.lr === undefined ? base.train : { ...base.train, lr: point.lr };
  const detect = isRollbackRow(point) ? rollbackDetect(base.detect) : base.detect;
  return { ...base, seed, train, detect, clip: pointClip(base, point) };
}

/**
 * The order to run `tasks` in: plan order, except that the unclipped baseline goes last.
 * It is the run most likely to stop early (the explosion the sweep is about halts it), so
 * with several workers it fills the tail while the others finish full-length runs, instead
 * of one full-length run finishing alone (docs/benchmarks.md).
 */
export function runOrder<T extends Pick<SweepTask, 'pointId'>>(tasks: readonly T[]): T[] {
  const baseline = (t: T) => t.pointId === 'baseline' || t.pointId.endsWith('/baseline');
  return [...tasks.filter((t) => !baseline(t)), ...tasks.filter(baseline)];
}

/** Parses `0.1,0.5,1` (the `--thresholds` flag, or `--lrs`). Throws `invalid_flag` on anything else. */
export function parseThresholds(text: string, flag = '--thresholds', example = '0.1,0.5,1,2,5'): number[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const values = parts.map(Number);
  if (parts.length === 0 || values.some((v) => !(Number.isFinite(v) && v > 0))) {
    throw flagError(flag, `expected comma-separated numbers > 0, received '${text}'`, `e.g. ${flag} ${example}`);
  }
  return values;
}

/** Parses `--range a:b` and `--points N` (or `--lr-range` and `--lr-points`) into a log range. Throws `invalid_flag`. */
export function parseRange(text: string, points = DEFAULT_POINTS, flags = { range: '--range', points: '--points', example: '0.1:5' }): NonNullable<GridOptions['range']> {
  const m = /^\s*([^:]+):([^:]+)\s*$/.exec(text);
  const from = Number(m?.[1]);
  const to = Number(m?.[2]);
  if (!m || !(from > 0) || !(to > from) || !Number.isFinite(to)) {
    throw flagError(flags.range, `expected FROM:TO with 0 < FROM < TO, received '${text}'`, `e.g. ${flags.range} ${flags.example} ${flags.points} 8`);
  }
  numberFlag(flags.points, points, SWEEP_BOUNDS.points);
  return { from, to, points };
}

function flagError(flag: string, message: string, hint = 'See gclip sweep --help.') {
  return inputError('invalid_flag', { path: '', message: `Invalid ${flag}: ${message}`, hint, source: flag });
}
