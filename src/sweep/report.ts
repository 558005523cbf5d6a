/**
 * The sweep report (pure): the plan's points aggregated over their seeds, the
 * recommendation and the baseline cross-checks. This object is `sweep.json` and the
 * `--json` output. Built from the plan and the task results only, so the same results in
 * any order (one process, many workers, merged shards) give the same report; only
 * `execution` and the `wallMs` fields depend on how it ran.
 */
import type { RunConfig } from '../config/schema.js';
import { internalError } from '../errors.js';
import type { SweepPlan } from './grid.js';
import { aggregatePoint, type PointResult, type SeedResult } from './metrics.js';
import { crossChecks, type CrossChecks } from './cross-checks.js';
import { recommend, type Recommendation } from './recommend.js';
import { isRollbackRow, withRollbackEvidence } from './rollback-row.js';

/** Bumped when the report's shape changes incompatibly. */
export const REPORT_VERSION = 2;

/** How the sweep ran. Differs between an unsharded run, a resumed run and merged shards. */
export interface SweepExecution {
  readonly wallMs: number;
  readonly jobs: number;
  /** Tasks trained in this invocation. */
  readonly ran: number;
  /** Tasks taken from the cache (or, for a merge, from the shard directories). */
  readonly cached: number;
}

/** `sweep.json` and the `--json` object. */
export interface SweepReport {
  readonly version: number;
  readonly name: string;
  readonly recommendation: Recommendation;
  readonly crossChecks: CrossChecks | null;
  /** One per grid point: baseline, thresholds ascending, adaptive strategies. */
  readonly points: readonly PointResult[];
  readonly grid: {
    /** The lr axis (version 2); empty when the sweep had none. */
    readonly lrs: readonly number[];
    readonly thresholds: readonly number[];
    readonly strategies: readonly string[];
    readonly seeds: readonly number[];
    readonly tolerance: number;
  };
  /** The resolved base config (each point replaces its `clip` block). */
  readonly config: RunConfig;
  readonly execution: SweepExecution;
}

/**
 * Builds the report from the plan and one result per task (extra results are ignored).
 * A task without a result throws: callers check completeness first.
 */
export function buildReport(plan: SweepPlan, results: readonly SeedResult[], execution: SweepExecution): SweepReport {
  const byTask = new Map(results.map((r) => [`${r.pointId}#${r.seed}`, r]));
  const points = plan.points.map((point) => {
    const runs = plan.seeds.map((seed) => {
      const r = byTask.get(`${point.id}#${seed}`);
      if (!r) throw internalError('sweep_result_missing', `no result for ${point.id} seed ${seed}`);
      return r;
    });
    return aggregatePoint(point, runs);
  });
  const recommendation = withRollbackEvidence(recommend(points.filter((p) => !isRollbackRow(p)), plan.tolerance), points, plan.tolerance);
  return {
    version: REPORT_VERSION,
    name: plan.base.name,
    recommendation,
    // On an lr axis, the baseline of the recommended lr (else of the lowest lr).
    crossChecks: crossChecks(recommendation.lr === null ? points : points.filter((p) => p.lr === recommendation.lr)),
    points,
    grid: {
      lrs: plan.lrs ?? [],
      thresholds: [...new Set(plan.points.flatMap((p) => (p.threshold === null ? [] : [p.threshold])))],
      strategies: [...new Set(plan.points.filter((p) => p.strategy !== 'none' && p.strategy !== 'norm' && !isRollbackRow(p)).map((p) => p.strategy))],
      seeds: plan.seeds,
      tolerance: plan.tolerance,
    },
    config: plan.base,
    execution,
  };
}

/** Exit code of a report: 1 when no threshold is stable, else 0. */
export function reportExitCode(report: SweepReport): 0 | 1 {
  return report.recommendation.status === 'none_stable' ? 1 : 0;
}
