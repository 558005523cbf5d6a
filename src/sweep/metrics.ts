/**
 * Per-run and per-point measurements of a sweep (pure host arithmetic). A run's steps are
 * collected by a trace sink; `scoreRun` reduces them to a SeedResult; `aggregatePoint`
 * reduces a point's seeds to the row the recommendation reads.
 */
import type { RunSummary, StepRecord } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { mean, median, percentile } from '../stats.js';

/** What one run of one point with one seed measured. Plain data (cached, sent over IPC). */
export interface SeedResult {
  readonly pointId: string;
  readonly seed: number;
  /**
   * Run status; `crashed` when the run threw or its worker died, `timeout` when it ran past
   * `--point-timeout`, `pruned` when `--prune` skipped it (its cell can never be recommended).
   */
  readonly status: RunSummary['status'] | 'crashed' | 'timeout' | 'pruned';
  /** True when the run finished every step with status ok. */
  readonly stable: boolean;
  readonly steps: number;
  /** Mean loss over the last `smoothWindow(planned)` steps run; NaN if any is non-finite. */
  readonly finalLoss: number;
  /** Lowest finite loss seen, or NaN when none. */
  readonly bestLoss: number;
  /** Area under the loss curve per step: the mean loss over the steps run (Infinity if one is non-finite). */
  readonly lossAuc: number;
  /** Fraction of steps whose gradients were clipped. */
  readonly clipRate: number;
  readonly spikes: number;
  readonly skipped: number;
  /** Rollbacks (the `rollback` action); present only when the run rolled back, so other rows keep their bytes. */
  readonly rollbacks?: number;
  readonly firstBadStep: number | null;
  /** Pre-clip global norm statistics over the steps before the first bad step (null when none). */
  readonly norms: NormStats | null;
  /** Why the run stopped or crashed, or null. */
  readonly reason: string | null;
  readonly wallMs: number;
}

/** Summary of a set of pre-clip norms. */
export interface NormStats {
  readonly count: number;
  readonly mean: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** A sink that keeps each step's loss, pre-clip norm and spike count, for `scoreRun`. */
export interface TraceSink extends Sink {
  readonly losses: number[];
  readonly norms: number[];
  spikes(): number;
}

/** A fresh trace sink; one per run. */
export function createTraceSink(): TraceSink {
  const losses: number[] = [];
  const norms: number[] = [];
  let spikes = 0;
  return {
    name: 'sweep-trace',
    losses,
    norms,
    spikes: () => spikes,
    async open() {},
    async write(r: StepRecord) {
      losses.push(r.loss);
      norms.push(r.preClipNorm);
      spikes += r.events.filter((e) => e.kind === 'spike').length;
    },
    async close() {},
  };
}

/** Steps averaged for the final loss: 10% of the planned steps, at least 1, at most 50. */
export function smoothWindow(plannedSteps: number): number {
  return Math.min(50, Math.max(1, Math.round(plannedSteps / 10)));
}

/** Norm statistics of the finite values in `norms`, or null when there are none. */
export function normStats(norms: readonly number[]): NormStats | null {
  const finite = norms.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const p = (q: number): number => percentile(finite, q)!;
  return { count: finite.length, mean: mean(finite)!, p10: p(10), p50: p(50), p90: p(90) };
}

/** Reduces one finished run (its trace and summary) to a SeedResult. */
export function scoreRun(
  task: { pointId: string; seed: number; plannedSteps: number },
  trace: Pick<TraceSink, 'losses' | 'norms' | 'spikes'>,
  summary: RunSummary,
  wallMs: number,
): SeedResult {
  const { losses } = trace;
  const tail = losses.slice(-smoothWindow(task.plannedSteps));
  // No steps at all: NaN final loss and AUC (stats' mean is null for no values).
  const finalLoss = tail.every(Number.isFinite) ? mean(tail) ?? Number.NaN : Number.NaN;
  const auc = losses.every(Number.isFinite) ? mean(losses) ?? Number.NaN : Number.POSITIVE_INFINITY;
  const calm = summary.firstBadStep === null ? trace.norms : trace.norms.slice(0, summary.firstBadStep);
  return {
    pointId: task.pointId,
    seed: task.seed,
    status: summary.status,
    stable: summary.status === 'ok' && summary.steps === task.plannedSteps,
    steps: summary.steps,
    finalLoss,
    bestLoss: summary.bestLoss ?? Number.NaN,
    lossAuc: auc,
    clipRate: summary.clipRate,
    spikes: trace.spikes(),
    skipped: summary.skippedSteps,
    ...(summary.rollbacks > 0 ? { rollbacks: summary.rollbacks } : {}),
    firstBadStep: summary.firstBadStep,
    norms: normStats(calm),
    reason: summary.reason,
    wallMs,
  };
}

/** The SeedResult of a run that threw or whose worker died (or, with `status`, timed out or was pruned). */
export function crashedResult(task: { pointId: string; seed: number }, reason: string, wallMs: number, status: 'crashed' | 'timeout' | 'pruned' = 'crashed'): SeedResult {
  return {
    pointId: task.pointId,
    seed: task.seed,
    status,
    stable: false,
    steps: 0,
    finalLoss: Number.NaN,
    bestLoss: Number.NaN,
    lossAuc: Number.POSITIVE_INFINITY,
    clipRate: 0,
    spikes: 0,
    skipped: 0,
    firstBadStep: null,
    norms: null,
    reason,
    wallMs,
  };
}

/** One grid point over its seeds: the row of the table, `--json` and the rule. */
export interface PointResult {
  readonly id: string;
  /** Max norm, or null for the unclipped baseline and adaptive strategies. */
  readonly threshold: number | null;
  readonly strategy: string;
  /** Learning rate of the point's column; null without an lr axis. */
  readonly lr: number | null;
  readonly seeds: number;
  readonly stableSeeds: number;
  readonly crashedSeeds: number;
  /** Seeds skipped by `--prune`. */
  readonly prunedSeeds: number;
  /** Median over seeds of the smoothed final loss (a non-finite seed counts as +Infinity). */
  readonly finalLoss: number;
  /** Half the range of the seeds' final losses: the seed-to-seed noise of `finalLoss`. */
  readonly finalLossSpread: number;
  /** Median over seeds of the best loss. */
  readonly bestLoss: number;
  /** Median over seeds of the loss AUC per step. */
  readonly lossAuc: number;
  /** Mean over seeds of the fraction of steps clipped. */
  readonly clipRate: number;
  /** Total over seeds. */
  readonly spikes: number;
  /** Total over seeds. */
  readonly skipped: number;
  /** Total over seeds; present only when a seed rolled back. */
  readonly rollbacks?: number;
  /** Earliest first bad step over seeds, or null. */
  readonly firstBadStep: number | null;
  /** Total run time over seeds (excluded from determinism checks). */
  readonly wallMs: number;
  /** Every seed's result, seeds ascending. */
  readonly runs: readonly SeedResult[];
}

/** A NaN seed value as +Infinity, so that a broken seed drags a median up, never away. */
const nanAsWorst = (x: number): number => (Number.isNaN(x) ? Number.POSITIVE_INFINITY : x);

/** Median over seeds with NaN counted as +Infinity; NaN for no seeds. */
function seedMedian(xs: readonly number[]): number {
  return median(xs.map(nanAsWorst)) ?? Number.NaN;
}

/** Aggregates a point's seed results (in any order) into its row. */
export function aggregatePoint(point: { id: string; threshold: number | null; strategy: string; lr?: number | null }, runs: readonly SeedResult[]): PointResult {
  const sorted = [...runs].sort((a, b) => a.seed - b.seed);
  const finals = sorted.map((r) => nanAsWorst(r.finalLoss));
  const bad = sorted.map((r) => r.firstBadStep).filter((s): s is number => s !== null);
  const sum = (f: (r: SeedResult) => number) => sorted.reduce((a, r) => a + f(r), 0);
  return {
    id: point.id,
    threshold: point.threshold,
    strategy: point.strategy,
    lr: point.lr ?? null,
    seeds: sorted.length,
    stableSeeds: sorted.filter((r) => r.stable).length,
    crashedSeeds: sorted.filter((r) => r.status === 'crashed').length,
    prunedSeeds: sorted.filter((r) => r.status === 'pruned').length,
    finalLoss: seedMedian(finals),
    finalLossSpread: finals.length ? (Math.max(...finals) - Math.min(...finals)) / 2 : Number.NaN,
    bestLoss: seedMedian(sorted.map((r) => r.bestLoss)),
    lossAuc: seedMedian(sorted.map((r) => r.lossAuc)),
    clipRate: sorted.length ? sum((r) => r.clipRate) / sorted.length : 0,
    spikes: sum((r) => r.spikes),
    skipped: sum((r) => r.skipped),
    ...(sorted.some((r) => r.rollbacks) ? { rollbacks: sum((r) => r.rollbacks ?? 0) } : {}),
    firstBadStep: bad.length ? Math.min(...bad) : null,
    wallMs: sum((r) => r.wallMs),
    runs: sorted,
  };
}
