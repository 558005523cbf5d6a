/**
 * Chart data of one run, downsampled for drawing: the x axis (steps), loss, pre- and
 * post-clip norms, the threshold, per-layer norms and event markers. Plain arrays of
 * numbers and nulls (null = a gap), ready to serialise into the HTML report.
 */
import type { EventKind, StepRecord } from '../../record.js';
import { minMaxIndices, unionIndices } from './downsample.js';
import { wantsLogScale } from './terminal-chart.js';
import { largestUpdateRatio } from '../../log/update-ratio.js';

/** One event marker (a divergence at its `since` step). `value` is the pre-clip norm of the record carrying the event, or null when not finite. */
export interface ChartEvent {
  readonly step: number;
  readonly kind: EventKind;
  readonly value: number | null;
  readonly layer: string | null;
}

/** Per-layer pre-clip norms on their own (sparser) x axis. */
export interface LayerSeries {
  readonly steps: readonly number[];
  readonly names: readonly string[];
  /** `norms[j][i]`: layer `names[j]` at `steps[i]`; null where non-finite or ≤ 0. */
  readonly norms: readonly (readonly (number | null)[])[];
  /** Layers left out to keep the chart readable (the ones with the smallest peak norm). */
  readonly omitted: readonly string[];
}

/** Everything the run charts draw. */
export interface RunChartData {
  readonly steps: readonly number[];
  /** Loss; null where non-finite. */
  readonly loss: readonly (number | null)[];
  /** True when the loss is drawn on a log scale (see `wantsLogScale`); then loss ≤ 0 is null too. */
  readonly lossLog: boolean;
  /** Pre-clip norm; null where non-finite or ≤ 0 (the norm chart is log-scaled). */
  readonly preClipNorm: readonly (number | null)[];
  readonly postClipNorm: readonly (number | null)[];
  /** Threshold in force; null where none. All null when the run never had one. */
  readonly threshold: readonly (number | null)[] | null;
  readonly layers: LayerSeries | null;
  /**
   * Each step's largest per-layer update/weight ratio ‖Δw_l‖/‖w_l‖ (log-scaled chart: null
   * where non-finite or ≤ 0), or null when no record has the update telemetry.
   */
  readonly updateRatio: readonly (number | null)[] | null;
  /** Event markers, at most `maxEvents`, earliest first. */
  readonly events: readonly ChartEvent[];
  readonly eventsOmitted: number;
  /** Records before downsampling. */
  readonly totalSteps: number;
}

/** Limits of `buildRunChart`. */
export interface RunChartOptions {
  /** Buckets for the main x axis; each keeps up to 3 points per series (default 1500). */
  readonly buckets?: number;
  /** Budget of points × layers for the layer chart (default 30000). */
  readonly layerBudget?: number;
  /** Layers drawn at most, by peak norm (default 10). */
  readonly maxLayers?: number;
  /** Event markers kept at most (default 2000). */
  readonly maxEvents?: number;
  /** Significant digits kept in the numbers (default 5; keeps the HTML small). */
  readonly digits?: number;
}

const finiteOr = (digits: number) => (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);
const positiveOr = (digits: number) => (v: number): number | null => (Number.isFinite(v) && v > 0 ? Number(v.toPrecision(digits)) : null);

function pick<T>(indices: readonly number[], f: (i: number) => T): T[] {
  return indices.map(f);
}

function chartEvents(records: readonly StepRecord[], max: number): { events: ChartEvent[]; omitted: number } {
  const events: ChartEvent[] = [];
  let omitted = 0;
  for (const r of records) {
    for (const e of r.events) {
      if (events.length >= max) { omitted++; continue; }
      const layer = e.kind === 'divergence' ? null : e.layer;
      // A divergence is marked where its streak began (the summary's first bad step).
      events.push({ step: e.kind === 'divergence' ? e.since : e.step, kind: e.kind, value: Number.isFinite(r.preClipNorm) && r.preClipNorm > 0 ? r.preClipNorm : null, layer });
    }
  }
  return { events, omitted };
}

function layerSeries(records: readonly StepRecord[], o: Required<RunChartOptions>): LayerSeries | null {
  const peak = new Map<string, number>();
  for (const r of records) {
    for (const [name, v] of Object.entries(r.layerNorms)) {
      const p = peak.get(name) ?? 0;
      if (Number.isFinite(v) && v > p) peak.set(name, v);
      else if (!peak.has(name)) peak.set(name, p);
    }
  }
  if (peak.size === 0) return null;
  const ranked = [...peak.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  const names = ranked.slice(0, o.maxLayers);
  const columns = names.map((n) => Float64Array.from(records, (r) => r.layerNorms[n] ?? Number.NaN));
  const buckets = Math.max(50, Math.floor(o.layerBudget / (2 * names.length * names.length)));
  const idx = unionIndices(records.length, columns.map((c) => minMaxIndices(c, buckets)));
  const pos = positiveOr(o.digits);
  return {
    steps: pick(idx, (i) => records[i]!.step),
    names,
    norms: columns.map((c) => pick(idx, (i) => pos(c[i]!))),
    omitted: ranked.slice(o.maxLayers),
  };
}

/**
 * Downsamples `records` for drawing. The main x axis is the union, over loss, pre- and
 * post-clip norm (and the update ratio when logged), of each series' min and max per bucket (see `minMaxIndices`), so every
 * series keeps its spikes; n ≤ 3 × buckets per series gives at most 9 × buckets points.
 * The layer chart spends `layerBudget` numbers across its layers. Non-finite values
 * become null (gaps); norms ≤ 0 also become null because the norm charts are log-scaled.
 */
export function buildRunChart(records: readonly StepRecord[], options: RunChartOptions = {}): RunChartData {
  const o: Required<RunChartOptions> = { buckets: 1500, layerBudget: 30000, maxLayers: 10, maxEvents: 2000, digits: 5, ...options };
  const col = (f: (r: StepRecord) => number): Float64Array => Float64Array.from(records, f);
  const loss = col((r) => r.loss), pre = col((r) => r.preClipNorm), post = col((r) => r.postClipNorm);
  const ratio = records.some((r) => r.layerUpdateRatios !== undefined) ? col((r) => largestUpdateRatio(r.layerUpdateRatios)?.ratio ?? Number.NaN) : null;
  const idx = unionIndices(records.length, [loss, pre, post, ...(ratio ? [ratio] : [])].map((c) => minMaxIndices(c, o.buckets)));
  const fin = finiteOr(o.digits), pos = positiveOr(o.digits);
  const hasThreshold = records.some((r) => r.threshold !== null && Number.isFinite(r.threshold));
  const { events, omitted } = chartEvents(records, o.maxEvents);
  const lossLog = wantsLogScale(loss);
  return {
    steps: pick(idx, (i) => records[i]!.step),
    loss: pick(idx, (i) => (lossLog ? pos : fin)(loss[i]!)),
    lossLog,
    preClipNorm: pick(idx, (i) => pos(pre[i]!)),
    postClipNorm: pick(idx, (i) => pos(post[i]!)),
    threshold: hasThreshold ? pick(idx, (i) => pos(records[i]!.threshold ?? Number.NaN)) : null,
    layers: layerSeries(records, o),
    updateRatio: ratio && pick(idx, (i) => pos(ratio[i]!)),
    events,
    eventsOmitted: omitted,
    totalSteps: records.length,
  };
}
