/**
 * The three moments of a run that went bad, and the layer blamed, computed once by the
 * record summariser (so `train`, `report` and `check` give the same answer):
 *
 * - **onset**: the first step of the departure that led to the first unstable event
 *   (a `nonfinite` or `divergence` event). A step has *departed* from the healthy regime
 *   when its loss or pre-clip norm is non-finite, or its loss is above `LOSS_FACTOR` × the
 *   best finite loss before it (and above the first loss), or its pre-clip norm is above
 *   `NORM_FACTOR` × the run's early scale (the median of its first `EARLY_STEPS` finite
 *   norms). The onset is the first step of the unbroken streak of departed steps that
 *   contains the event's anchor (a divergence's `since`, else the event step). A run with
 *   no unstable event has no onset, however noisy its early steps.
 * - **first non-finite step**: the first step whose loss or pre-clip norm is NaN/±Inf or
 *   that a detector reported non-finite (weights).
 * - **policy step**: the first step where the policy acted (the update was skipped or the
 *   run halted there); `train` knows the halt step, logs only show skips.
 *
 * The blamed layer is the layer whose pre-clip norm at the onset step is largest relative
 * to its own recent scale (the median of its last `RECENT_STEPS` finite norms before the
 * onset); a non-finite layer norm wins outright; a layer with no history is compared by
 * its raw norm only when no layer has a history.
 */
import { formatNumber } from '../format.js';
import { batchText } from './batch-text.js';
import { median } from '../stats.js';
import type { BlamedBatch, RunEvent, StepRecord } from './schema.js';
import { injectedRows, stepNamer, type InjectedFault } from './injected.js';

/** A loss above this multiple of the best loss before it has departed (the divergence factor's default). */
export const LOSS_FACTOR = 10;
/** A pre-clip norm above this multiple of the run's early scale has departed. */
export const NORM_FACTOR = 1000;
/** Finite pre-clip norms whose median is the run's early scale. */
export const EARLY_STEPS = 10;
/** Finite per-layer norms before the onset whose median is a layer's recent scale. */
export const RECENT_STEPS = 5;

/** Which signal marked the onset step as departed (the first that applies, in this order). */
export type OnsetSignal = 'nonfinite' | 'loss' | 'grad_norm' | 'event';

/** Where and how the run left its healthy regime. */
export interface Onset {
  readonly step: number;
  readonly signal: OnsetSignal;
  /** The blamed layer (see the module doc), or null for a log without per-layer norms. */
  readonly layer: string | null;
  /** The blamed layer's norm ÷ its recent scale at the onset (Infinity when non-finite; null without a scale). */
  readonly layerRatio: number | null;
  /** The loss at the onset ÷ the best loss before it, or null when there was no best yet. */
  readonly lossRatio: number | null;
  /**
   * The onset step's batch, from the `batches` of the record that fixed the onset (gclip
   * writes it there); absent for logs without it (foreign logs, older gclip versions).
   */
  readonly batch?: BlamedBatch;
}

/** Folds records in step order; `onset` is fixed at the first unstable event. */
export interface OnsetTracker {
  add(record: StepRecord): void;
  /**
   * The onset `record` would fix if it were added next, or null (the onset is fixed
   * already, or `record` has no unstable event). Pure: the tracker does not change. The
   * loop asks it to know which batch to name on the record before writing it.
   */
  onsetIf(record: StepRecord): Onset | null;
  readonly onset: () => Onset | null;
  readonly firstNonfiniteStep: () => number | null;
  readonly firstSkippedStep: () => number | null;
}

const isUnstable = (e: RunEvent): boolean => e.kind === 'nonfinite' || e.kind === 'divergence';

/** The departure signal of one step, or null when it is inside the healthy regime. */
function departure(r: StepRecord, best: number | null, first: number | null, early: number | null): OnsetSignal | null {
  if (!Number.isFinite(r.loss) || !Number.isFinite(r.preClipNorm)) return 'nonfinite';
  if (best !== null && first !== null && r.loss > LOSS_FACTOR * best && r.loss > first) return 'loss';
  if (early !== null && early > 0 && r.preClipNorm > NORM_FACTOR * early) return 'grad_norm';
  return null;
}

/**
 * The blamed layer at one step: see the module doc. `recent` holds each layer's last
 * finite norms before the step.
 */
export function blameLayer(
  norms: Readonly<Record<string, number>>,
  recent: ReadonlyMap<string, readonly number[]>,
): { layer: string | null; ratio: number | null } {
  let best: { layer: string | null; ratio: number | null } = { layer: null, ratio: null };
  let bestScore = -Infinity;
  let anyScale = false;
  for (const [name, value] of Object.entries(norms)) {
    if (!Number.isFinite(value)) return { layer: name, ratio: Infinity };
    const scale = median(recent.get(name) ?? []);
    const ratio = scale !== null && scale > 0 ? value / scale : null;
    if (ratio !== null && !anyScale) [anyScale, bestScore] = [true, -Infinity];
    if (anyScale && ratio === null) continue;
    const score = ratio ?? value;
    if (score > bestScore) [bestScore, best] = [score, { layer: name, ratio }];
  }
  return best;
}

/** A fresh tracker. Cost per record O(layers × RECENT_STEPS). */
export function createOnsetTracker(): OnsetTracker {
  let first: number | null = null;
  let best: number | null = null;
  const early: number[] = [];
  const recent = new Map<string, number[]>();
  let streak: Onset | null = null;
  let onset: Onset | null = null;
  let firstNonfinite: number | null = null;
  let firstSkipped: number | null = null;
  const remember = (r: StepRecord): void => {
    for (const [name, v] of Object.entries(r.layerNorms)) {
      if (!Number.isFinite(v)) continue;
      const list = recent.get(name) ?? [];
      list.push(v);
      if (list.length > RECENT_STEPS) list.shift();
      recent.set(name, list);
    }
    if (Number.isFinite(r.loss)) {
      first ??= r.loss;
      best = best === null ? r.loss : Math.min(best, r.loss);
    }
    if (Number.isFinite(r.preClipNorm) && early.length < EARLY_STEPS) early.push(r.preClipNorm);
  };
  const startAt = (r: StepRecord, signal: OnsetSignal): Onset => ({
    step: r.step,
    signal,
    ...(({ layer, ratio }) => ({ layer, layerRatio: ratio }))(blameLayer(r.layerNorms, recent)),
    lossRatio: best !== null && best > 0 ? r.loss / best : null,
  });
  /** The streak after `r` and the onset `r` closes (null when it has no unstable event). */
  const next = (r: StepRecord): { streak: Onset | null; onset: Onset | null } => {
    const signal = departure(r, best, first, median(early));
    const extended = signal === null ? null : streak ?? startAt(r, signal);
    const event = r.events.find(isUnstable);
    return { streak: extended, onset: event ? onsetOf(event, extended ?? startAt(r, 'event')) : null };
  };
  return {
    add(r) {
      const nonfinite = !Number.isFinite(r.loss) || !Number.isFinite(r.preClipNorm) || r.events.some((e) => e.kind === 'nonfinite');
      if (nonfinite) firstNonfinite ??= r.step;
      if (r.skipped) firstSkipped ??= r.step;
      if (onset === null) {
        const after = next(r);
        streak = after.streak;
        if (after.onset) onset = withBatch(after.onset, r);
      }
      remember(r);
    },
    onsetIf: (r) => (onset === null && r.events.some(isUnstable) ? next(r).onset : null),
    onset: () => onset,
    firstNonfiniteStep: () => firstNonfinite,
    firstSkippedStep: () => firstSkipped,
  };
}

/** `onset` with its step's batch when the record that fixed it names that batch. */
function withBatch(onset: Onset, fixing: StepRecord): Onset {
  const batch = fixing.batches?.find((b) => b.step === onset.step);
  return batch ? { ...onset, batch } : onset;
}

/** The onset an unstable event closes: its departed streak's start, never after the event's own anchor. */
function onsetOf(event: RunEvent, streak: Onset): Onset {
  const anchor = event.kind === 'divergence' ? event.since : event.step;
  return streak.step <= anchor ? streak : { ...streak, step: anchor };
}

const SIGNAL_TEXT: Readonly<Record<OnsetSignal, string>> = {
  nonfinite: 'non-finite loss or gradient norm',
  loss: 'loss above 10× the best before it',
  grad_norm: 'gradient norm above 1000× the early scale',
  event: 'a detector event',
};

/**
 * The onset in words, the same in every surface: "step 2 (loss 35.36× the best before it),
 * layer head"; `name` words the step (`stepNamer` marks an injected one).
 */
export function onsetText(onset: Onset | null, name: (step: number) => string = plainStep): string {
  if (onset === null) return 'none';
  const why = onset.signal === 'loss' && onset.lossRatio !== null ? `loss ${formatNumber(onset.lossRatio)}× the best before it` : SIGNAL_TEXT[onset.signal];
  return `${name(onset.step)} (${why})${onset.layer === null ? '' : `, layer ${onset.layer}`}`;
}

const plainStep = (step: number): string => `step ${step}`;

/** The run's moments and, when faults were injected, which (marked at their steps). */
export interface Moments {
  readonly onset: Onset | null;
  readonly firstNonfiniteStep: number | null;
  readonly policyStep: number | null;
  readonly injected?: readonly InjectedFault[];
}

/** The three moments as label/value rows, in the order every surface shows them, then the injected faults if any. */
export function momentRows(m: Moments): [string, string][] {
  const name = stepNamer(m.injected ?? []);
  const step = (s: number | null): string => (s === null ? 'none' : name(s));
  return [
    ['onset', onsetText(m.onset, name)],
    ...(m.onset?.batch ? [['bad batch', batchText(m.onset.batch)] as [string, string]] : []),
    ['first non-finite', step(m.firstNonfiniteStep)],
    ['policy acted', step(m.policyStep)],
    ...injectedRows(m.injected),
  ];
}
