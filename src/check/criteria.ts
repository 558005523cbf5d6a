/**
 * Pure pass/fail judgement of a run's step records against the `check:` criteria. Each
 * criterion reports the measured value, the bound and a one-line reason; the CLI renders
 * them (table, `--json`, JUnit, GitHub annotations) and maps `passed` to the exit code.
 */
import type { RunEvent, StepRecord } from '../record.js';
import type { DivergenceEvent, SpikeEvent } from './stats.js';
import { isNonfiniteStep, isRollbackStep, stepNamer, summarizeRecords, type InjectedFault, type RecordSummary } from '../log/index.js';
import { formatBound } from './format.js';
import { atMost, eventsOf, fmt, type CriterionResult, type StepText } from './criterion.js';
import { lossSpikes } from './loss-spikes.js';
import { updateRatio } from './update-ratio.js';
import type { CheckCriteria, GradNormBound } from './schema.js';
import { percentile } from '../stats.js';
import { withDetectedEvents } from '../detect/index.js';
import type { Onset } from '../log/onset.js';
import { BY_DESIGN_CLIP_RATE, MAX_GRAD_NORM_HINT, type ClipKnowledge } from '../log/types.js';

export type { Bound } from './format.js';
export type { CriterionResult } from './criterion.js';

/** The `--json` contract: `passed` is true iff every criterion passed. */
export interface CheckResult {
  readonly passed: boolean;
  /** Number of records judged. */
  readonly steps: number;
  readonly criteria: readonly CriterionResult[];
  /** The run's moments, as `train` and `report` compute them (see `log/onset`). */
  readonly onset: Onset | null;
  readonly firstNonfiniteStep: number | null;
  /** First skipped step (a log does not say where a run halted). */
  readonly policyStep: number | null;
  /** Faults injected on purpose (`--inject`): their steps are named "step K (injected …)" in the reasons. */
  readonly injected?: readonly InjectedFault[];
}

/** The parts of a baseline `RunSummary` that regression criteria compare against. */
export interface Baseline {
  readonly finalLoss: number | null;
  readonly preClipNorm: { readonly median: number | null; readonly p90: number | null };
}

/**
 * Judges `records` against `criteria` (and, when given, a baseline summary).
 * Criteria set to null are left out. Empty `records` is allowed: counts are 0 and
 * value-based criteria fail as unmeasurable.
 */
export function evaluate(logged: readonly StepRecord[], criteria: CheckCriteria, baseline?: Baseline, clipping: ClipKnowledge = 'recorded'): CheckResult {
  // The records with the detectors' events (a foreign log has none), as `report` reads them.
  const records = withDetectedEvents(logged, criteria.detection);
  // The counts, norm statistics and onset `report` and the run summary show, computed the same way.
  const summary = summarizeRecords(records);
  const results: CriterionResult[] = [];
  const push = (r: CriterionResult | null): void => void (r && results.push(r));
  const at = stepNamer(summary.injected);
  // With maxRollbacks set, a step the rollback action answered is judged by it alone.
  const judged = criteria.maxRollbacks === null ? records : records.filter((r) => !isRollbackStep(r));
  push(criteria.maxNonfinite === null ? null : nonfinite(judged, criteria.maxNonfinite, at));
  push(criteria.maxSpikes === null ? null : spikes(records, criteria, at));
  push(criteria.maxSkipped === null ? null : skipped(records, summary, criteria.maxSkipped, at));
  push(criteria.maxRollbacks === null ? null : rollbacks(records, summary, criteria.maxRollbacks, at));
  push(criteria.lossRatio === null ? null : lossRatio(records, criteria.lossRatio, criteria.lossWindow));
  for (const b of criteria.gradNorm) push(gradNormPercentile(records, b));
  push(criteria.clipRate === null ? null : clipRate(summary, criteria.clipRate, clipping));
  push(criteria.noDivergence ? divergence(judged, criteria, at) : null);
  push(criteria.maxUpdateRatio === null ? null : updateRatio(summary, criteria.maxUpdateRatio));
  push(lossSpikes(summary.lossSpikes, criteria.maxLossSpikes, at));
  if (baseline) results.push(...regression(records, summary, criteria.baseline, baseline));
  return {
    passed: results.every((r) => r.passed),
    steps: records.length,
    criteria: results,
    onset: summary.onset,
    firstNonfiniteStep: summary.firstNonfiniteStep,
    policyStep: summary.firstSkippedStep,
    injected: summary.injected,
  };
}

function finiteNorms(records: readonly StepRecord[]): number[] {
  return records.map((r) => r.preClipNorm).filter(Number.isFinite);
}

function finiteLosses(records: readonly StepRecord[]): number[] {
  return records.map((r) => r.loss).filter(Number.isFinite);
}

function nonfinite(records: readonly StepRecord[], max: number, at: StepText): CriterionResult {
  const bad = records.filter(isNonfiniteStep);
  const count = bad.length;
  const first = bad[0];
  return atMost('nonfinite', count, max, () =>
    first === undefined
      ? '0 non-finite steps'
      : `${count} non-finite step(s), first at ${at(first.step)} (loss ${fmt(first.loss)}, grad norm ${fmt(first.preClipNorm)})`,
  );
}

function spikes(records: readonly StepRecord[], criteria: CheckCriteria, at: StepText): CriterionResult {
  const events = eventsOf<SpikeEvent>(records, 'spike');
  const first = events[0];
  return atMost('spikes', events.length, criteria.maxSpikes as number, () =>
    first === undefined
      ? '0 gradient-norm spikes'
      : `${events.length} gradient-norm spike(s), first at ${at(first.step)} (norm ${fmt(first.preClipNorm)} vs rolling median ${fmt(first.median)})`,
  );
}

function skipped(records: readonly StepRecord[], summary: RecordSummary, max: number, at: StepText): CriterionResult {
  const count = summary.skippedSteps;
  return atMost('skipped', count, max, () =>
    count === 0 ? '0 skipped steps' : `${count} skipped step(s), first at ${at(records.find((r) => r.skipped && !isRollbackStep(r))!.step)}`,
  );
}

/** Rollbacks, with the events they answered (which the nonfinite and divergence criteria then leave out). */
function rollbacks(records: readonly StepRecord[], summary: RecordSummary, max: number, at: StepText): CriterionResult {
  const events = eventsOf<Extract<RunEvent, { kind: 'rollback' }>>(records, 'rollback');
  const first = events[0];
  return atMost('rollbacks', summary.rollbacks, max, () =>
    first === undefined
      ? '0 rollbacks'
      : `${events.length} rollback(s) (${events.slice(0, 3).map((e) => `${e.cause} at ${at(e.step)}`).join(', ')}${events.length > 3 ? ', …' : ''}), first to the state before step ${first.toStep}`,
  );
}

/**
 * Final smoothed loss / initial smoothed loss, each the median of `window` finite losses
 * (window capped at ⌈n/4⌉ so the two ends never overlap much on short logs).
 */
function lossRatio(records: readonly StepRecord[], bound: number, window: number): CriterionResult {
  const losses = finiteLosses(records);
  const w = Math.max(1, Math.min(window, Math.ceil(losses.length / 4)));
  // The interpolated 50th percentile, the run summary's "median" (see src/stats).
  const initial = percentile(losses.slice(0, w), 50);
  const final = percentile(losses.slice(-w), 50);
  if (initial === null || final === null || initial <= 0) {
    const why = initial === null ? 'the log has no finite loss' : `initial loss ${fmt(initial)} is not positive`;
    return { name: 'loss_ratio', passed: false, value: null, bound, reason: `cannot judge: ${why}; set lossRatio: null to disable (bound ${formatBound(bound)})` };
  }
  const ratio = final / initial;
  return atMost('loss_ratio', ratio, bound, () =>
    `final loss ${fmt(final)} is ${fmt(ratio)} × initial ${fmt(initial)} (medians of ${w} record(s))`,
  );
}

function percentileName(p: number): string {
  return `grad_norm_p${String(p).replace('.', '_')}`;
}

function gradNormPercentile(records: readonly StepRecord[], b: GradNormBound): CriterionResult {
  const value = percentile(finiteNorms(records), b.p);
  return atMost(percentileName(b.p), value, b.max, () =>
    value === null ? 'no finite gradient norm to measure' : `p${b.p} of the pre-clip gradient norm is ${fmt(value)}`,
  );
}

/**
 * The share of clipped steps against a band. A foreign log's norms are pre-clip: without
 * the run's max norm the rate is unknown (value null, not judged); with it the rate is
 * measured but only warned about, never failed, because a fine-tuning run that clips at
 * max_grad_norm on most steps is working as configured. A strategy that clips by design
 * (AutoClip, AGC) has its rate measured and shown, never judged.
 */
function clipRate(summary: RecordSummary, band: { min: number; max: number }, clipping: ClipKnowledge): CriterionResult {
  const bound = { min: band.min, max: band.max };
  if (clipping === 'unknown') {
    const reason = `unknown: the log's gradient norms are pre-clip and the run's max norm was not given; ${MAX_GRAD_NORM_HINT} (not judged)`;
    return { name: 'clip_rate', passed: true, value: null, bound, reason };
  }
  const value = summary.steps === 0 ? null : summary.clipRate;
  const inBand = value !== null && value >= band.min && value <= band.max;
  const measured = value === null ? 'no steps to measure' : `clipped ${summary.clippedSteps} of ${summary.steps} steps (${fmt(value)})`;
  const lenient = (clipping === 'derived' || clipping === 'by-design') && value !== null;
  const why = clipping === 'derived' ? 'a warning only on a foreign log' : `not judged: ${BY_DESIGN_CLIP_RATE}`;
  const warnOnly = lenient && !inBand ? `; outside the band, ${why}` : '';
  return { name: 'clip_rate', passed: inBand || lenient, value, bound, reason: `${measured} (bound ${formatBound(band)})${warnOnly}` };
}

function divergence(records: readonly StepRecord[], criteria: CheckCriteria, at: StepText): CriterionResult {
  const opts = criteria.detection.divergence;
  const events = eventsOf<DivergenceEvent>(records, 'divergence');
  const first = events[0];
  return atMost('divergence', events.length, 0, () =>
    first === undefined
      ? `no divergence (loss never above ${opts.factor} × best for ${opts.patience} records)`
      : `loss diverged from ${at(first.since)} (to ${fmt(first.loss)}, ${fmt(first.loss / first.bestLoss)} × best ${fmt(first.bestLoss)}) by step ${first.step}`,
  );
}

/**
 * Regression against a baseline: the current value may exceed the baseline by at most
 * tolerance · |baseline|. Final loss is the last finite loss (a run that ended non-finite
 * fails the nonfinite criterion instead); gradient-norm median and p90 are the summary's,
 * over finite pre-clip norms.
 */
function regression(records: readonly StepRecord[], summary: RecordSummary, tol: CheckCriteria['baseline'], base: Baseline): CriterionResult[] {
  const compare = (name: string, label: string, value: number | null, ref: number | null, t: number): CriterionResult => {
    if (ref === null || !Number.isFinite(ref)) {
      return { name, passed: false, value, bound: Number.NaN, reason: `cannot compare: the baseline has no finite ${label}` };
    }
    const bound = ref + t * Math.abs(ref);
    return atMost(name, value, bound, () =>
      value === null ? `no finite ${label} in this run` : `${label} ${fmt(value)} vs baseline ${fmt(ref)} (+${fmt(t * 100)} % allowed)`,
    );
  };
  return [
    compare('baseline_final_loss', 'final loss', finiteLosses(records).at(-1) ?? null, base.finalLoss, tol.finalLossTolerance),
    compare('baseline_grad_norm_median', 'grad norm median', summary.preClipNorm.median, base.preClipNorm.median, tol.gradNormTolerance),
    compare('baseline_grad_norm_p90', 'grad norm p90', summary.preClipNorm.p90, base.preClipNorm.p90, tol.gradNormTolerance),
  ];
}
