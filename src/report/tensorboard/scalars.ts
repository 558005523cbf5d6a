/**
 * What gclip puts in TensorBoard for each step: the tag names and the rolling clip rate.
 * Pure functions; the sink only frames and writes their output.
 */
import type { StepRecord } from '../../record.js';
import type { TbValue } from './proto.js';

/** Steps in the rolling window of `clip/rate`. */
export const CLIP_RATE_WINDOW = 100;

/** The last `CLIP_RATE_WINDOW` `clipped` flags, oldest first. Plain data. */
export interface ClipRateState {
  readonly recent: readonly boolean[];
}

/** The empty window. */
export function initClipRate(): ClipRateState {
  return { recent: [] };
}

/**
 * Adds one step to the window and returns the new state and the rate.
 * rate = (clipped steps in the window) / (steps in the window), so the first step's rate is
 * 0 or 1 and the window is shorter than 100 until step 100 has been seen.
 */
export function nextClipRate(state: ClipRateState, clipped: boolean): { state: ClipRateState; rate: number } {
  const recent = [...state.recent.slice(-(CLIP_RATE_WINDOW - 1)), clipped];
  const rate = recent.filter(Boolean).length / recent.length;
  return { state: { recent }, rate };
}

/**
 * The scalar values of one step, in this order: `loss`, `grad_norm/pre_clip`,
 * `grad_norm/post_clip`, `clip/coef`, `clip/rate`, `clip/threshold` (when not null),
 * `lr`, `val/loss` (when not null), then `grad_norm_layer/<layer>` for each layer's
 * pre-clip norm in the record's key order; with the update telemetry then `update/norm`,
 * `update_norm_layer/<layer>` and `update_ratio_layer/<layer>` (‖Δw‖/‖w‖). Values are
 * passed through unchanged: NaN and
 * ±Infinity become float32 NaN/±Inf on the wire, and finite values round to float32.
 */
export function stepScalars(record: StepRecord, clipRate: number): TbValue[] {
  const values: TbValue[] = [
    { tag: 'loss', simpleValue: record.loss },
    { tag: 'grad_norm/pre_clip', simpleValue: record.preClipNorm },
    { tag: 'grad_norm/post_clip', simpleValue: record.postClipNorm },
    { tag: 'clip/coef', simpleValue: record.clipCoef },
    { tag: 'clip/rate', simpleValue: clipRate },
  ];
  if (record.threshold !== null) values.push({ tag: 'clip/threshold', simpleValue: record.threshold });
  values.push({ tag: 'lr', simpleValue: record.lr });
  if (record.valLoss !== null) values.push({ tag: 'val/loss', simpleValue: record.valLoss });
  for (const [layer, norm] of Object.entries(record.layerNorms)) {
    values.push({ tag: `grad_norm_layer/${layer}`, simpleValue: norm });
  }
  if (record.updateNorm !== undefined) values.push({ tag: 'update/norm', simpleValue: record.updateNorm });
  for (const [layer, norm] of Object.entries(record.layerUpdateNorms ?? {})) values.push({ tag: `update_norm_layer/${layer}`, simpleValue: norm });
  for (const [layer, ratio] of Object.entries(record.layerUpdateRatios ?? {})) values.push({ tag: `update_ratio_layer/${layer}`, simpleValue: ratio });
  return values;
}

/** Tag of a layer's gradient histogram. */
export function histogramTag(layer: string): string {
  return `grad_hist/${layer}`;
}

/**
 * Event file name: `events.out.tfevents.<unix seconds>.<hostname>`. TensorBoard finds
 * event files by the `tfevents` substring and orders them by name, hence the time first.
 * @param nowMs - milliseconds since the Unix epoch; floored to whole seconds.
 */
export function eventFileName(nowMs: number, hostname: string): string {
  return `events.out.tfevents.${Math.floor(nowMs / 1000)}.${hostname}`;
}
