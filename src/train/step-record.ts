/**
 * A step's numbers → its StepRecord, and the detectors' pass over it: the part of a step
 * after the readback that `gclip train`'s loop and `monitor()` (users' own training code)
 * share, so both write the same records for the same numbers.
 */
import type { Detector, StepObservation } from '../detect/index.js';
import type { RunEvent, StepRecord } from '../record.js';
import { UPDATE_SECTION, type StepNumbers } from '../runtime/pack-layout.js';

/** A StepRecord the caller fills in place (events, skipped, wallMs) before any sink sees it. */
export type MutableRecord = { -readonly [K in keyof StepRecord]: StepRecord[K] };

/** What a record needs besides the step's numbers: the layer names (pack order) and the learning rate. */
export interface RecordShape {
  readonly layerNames: readonly string[];
  readonly lr: number;
}

/**
 * The step's record, built once with every StepRecord key in log order (wallMs, events and
 * skipped are placeholders until the step ends), so no spread copies it afterwards.
 */
export function toRecord(step: number, n: StepNumbers, plan: RecordShape, fixedThreshold: number | null): MutableRecord {
  const layerNorms: Record<string, number> = {};
  const layerNormsPost: Record<string, number> = {};
  const names = plan.layerNames;
  const values = n.values;
  const pre = n.preLayersAt, post = n.postLayersAt;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    layerNorms[name] = values[pre + i]!;
    layerNormsPost[name] = values[post + i]!;
  }
  // Element-wise strategies read back no coefficient: report the norm ratio instead.
  const coef = n.measured.coef;
  const clipCoef = coef ?? (n.preClipNorm > 0 ? n.postClipNorm / n.preClipNorm : 1);
  const record: MutableRecord = {
    step,
    loss: n.loss,
    preClipNorm: n.preClipNorm,
    postClipNorm: n.postClipNorm,
    clipCoef,
    clipped: coef !== undefined ? coef < 1 : n.postClipNorm < n.preClipNorm,
    threshold: fixedThreshold ?? n.measured.threshold ?? null,
    layerNorms,
    layerNormsPost,
    lr: plan.lr,
    valLoss: n.valLoss,
    wallMs: 0,
    events: NO_EVENTS,
    skipped: false,
  };
  if (n.updateAt >= 0) addUpdate(record, values, n.updateAt, names);
  return record;
}

/** The update section at `at` of `values` (`PackLayout`): `[‖Δw‖, ‖Δw_l‖×L, ratio×L]`, after every other key. */
function addUpdate(record: MutableRecord, values: Float32Array, at: number, names: readonly string[]): void {
  const norms: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const l = names.length;
  const from = at + UPDATE_SECTION.norms;
  for (let i = 0; i < l; i++) {
    norms[names[i]!] = values[from + i]!;
    ratios[names[i]!] = values[from + l + i]!;
  }
  record.updateNorm = values[at + UPDATE_SECTION.norm]!;
  record.layerUpdateNorms = norms;
  record.layerUpdateRatios = ratios;
}

const NO_EVENTS: readonly RunEvent[] = [];

/** Every detector's events for `obs`, in detector order; advances `states` in place. */
export function observeAll(detectors: readonly Detector[], states: unknown[], obs: StepObservation): RunEvent[] {
  const events: RunEvent[] = [];
  for (let i = 0; i < detectors.length; i++) {
    const r = detectors[i]!.observe(obs, states[i]);
    states[i] = r.state;
    const found = r.events;
    for (let j = 0; j < found.length; j++) events.push(found[j]!);
  }
  return events;
}
