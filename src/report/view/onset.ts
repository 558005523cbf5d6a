/**
 * Which layer's gradient norm rose first before a spike. For each anchor (a spike or
 * nonfinite event's step, a divergence's first step) the layers' norms in the steps just
 * before it are compared with each layer's own earlier level; the layer that crossed
 * `factor ×` its level earliest led the spike.
 */
import { median } from '../../stats.js';
import type { EventKind, StepRecord } from '../../record.js';

/** Tuning of `spikeOnsets`. */
export interface OnsetOptions {
  /** Steps before the anchor searched for the rise (default 20). */
  readonly lookback?: number;
  /** Steps before the lookback window whose median is each layer's level (default 50). */
  readonly baseline?: number;
  /** A layer has risen once its norm exceeds factor × its level (default 2). */
  readonly factor?: number;
  /** At most this many anchors, the earliest first (default 10). */
  readonly maxAnchors?: number;
}

/** One layer around one anchor. */
export interface LayerOnset {
  readonly layer: string;
  /** First step in the lookback window with norm > factor × level (or non-finite), else null. */
  readonly riseStep: number | null;
  /** Median finite norm in the baseline window (the level), or null when it had none. */
  readonly level: number | null;
  /** Norm at the anchor step divided by the level (NaN when either is unknown or the level is 0). */
  readonly ratio: number;
}

/** The layers around one anchor, the leader first. */
export interface SpikeOnset {
  readonly step: number;
  readonly kind: EventKind;
  /** The layer that rose first (ties: the larger ratio), or null when none rose. */
  readonly leader: string | null;
  /** Sorted: risen layers by rise step then ratio (descending), then the others by ratio. */
  readonly layers: readonly LayerOnset[];
}

/** Anchor steps from the events, earliest first, merging anchors within `lookback` steps of the last kept one. */
export function onsetAnchors(records: readonly StepRecord[], lookback: number): { step: number; kind: EventKind }[] {
  const raw: { step: number; kind: EventKind }[] = [];
  for (const r of records) for (const e of r.events) raw.push({ step: e.kind === 'divergence' ? e.since : e.step, kind: e.kind });
  raw.sort((a, b) => a.step - b.step);
  const kept: { step: number; kind: EventKind }[] = [];
  for (const a of raw) if (kept.length === 0 || a.step - kept.at(-1)!.step > lookback) kept.push(a);
  return kept;
}

function layerOnset(records: readonly StepRecord[], layer: string, at: number, o: Required<OnsetOptions>): LayerOnset {
  const norm = (i: number): number => records[i]!.layerNorms[layer] ?? Number.NaN;
  // Near the start of a run the look-back shrinks to half the steps so far, leaving a baseline.
  const from = Math.max(0, at - Math.min(o.lookback, Math.floor(at / 2)));
  const base: number[] = [];
  for (let i = Math.max(0, from - o.baseline); i < from; i++) if (Number.isFinite(norm(i))) base.push(norm(i));
  const level = median(base);
  let riseStep: number | null = null;
  if (level !== null) {
    for (let i = from; i <= at && riseStep === null; i++) {
      const v = norm(i);
      if (!Number.isFinite(v) || v > o.factor * level) riseStep = records[i]!.step;
    }
  }
  const ratio = level ? norm(at) / level : Number.NaN;
  return { layer, riseStep, level, ratio };
}

const byRatio = (a: LayerOnset, b: LayerOnset): number => (Number.isNaN(b.ratio) ? -1 : Number.isNaN(a.ratio) ? 1 : b.ratio - a.ratio);

function compareOnsets(a: LayerOnset, b: LayerOnset): number {
  if (a.riseStep !== null && b.riseStep !== null && a.riseStep !== b.riseStep) return a.riseStep - b.riseStep;
  if ((a.riseStep === null) !== (b.riseStep === null)) return a.riseStep === null ? 1 : -1;
  return byRatio(a, b);
}

/**
 * Per anchor, which layer rose first. Layers are those of the first record that has
 * `layerNorms`; records without per-layer norms give no onsets (an empty array).
 * Before an anchor at index i < 2 × lookback the look-back shrinks to ⌊i/2⌋ steps so the
 * baseline window is not empty; an anchor at the first step has no level and nothing rises. Cost O(anchors × layers × (lookback + baseline)).
 */
export function spikeOnsets(records: readonly StepRecord[], options: OnsetOptions = {}): SpikeOnset[] {
  const o: Required<OnsetOptions> = { lookback: 20, baseline: 50, factor: 2, maxAnchors: 10, ...options };
  const layers = Object.keys(records.find((r) => Object.keys(r.layerNorms).length > 0)?.layerNorms ?? {});
  if (layers.length === 0) return [];
  const indexOf = new Map(records.map((r, i) => [r.step, i]));
  return onsetAnchors(records, o.lookback)
    .slice(0, o.maxAnchors)
    .flatMap(({ step, kind }) => {
      const at = indexOf.get(step);
      if (at === undefined) return [];
      const sorted = layers.map((l) => layerOnset(records, l, at, o)).sort(compareOnsets);
      const leader = sorted[0]?.riseStep !== null ? sorted[0]!.layer : null;
      return [{ step, kind, leader, layers: sorted }];
    });
}
