/**
 * Loss spikes (`lossSpike` events, src/detect/loss-spike.ts) as every surface words them:
 * the event's sentence (progress line, policy reasons) and the one summary row that train,
 * report (terminal and HTML) and check show, so the same spike reads the same everywhere.
 */
import { formatNumber } from '../format.js';
import type { RunEvent } from './schema.js';

/** A `lossSpike` event. */
export type LossSpikeEvent = Extract<RunEvent, { kind: 'lossSpike' }>;

/** One loss spike of a run, as the summaries keep it. */
export interface LossSpike {
  readonly step: number;
  readonly loss: number;
  readonly median: number;
  readonly factor: number;
}

/** Spikes a row spells out; later ones are counted. */
const SPELLED = 3;

/** How a step is named (`stepNamer`: `step 41`, or with the fault injected there). */
type StepText = (step: number) => string;
const plainStep: StepText = (step) => `step ${step}`;

/** `loss 0.767 at step 41 is 28.5× the rolling median 0.0269`. */
function spikeText(s: LossSpike, at: StepText): string {
  return `loss ${formatNumber(s.loss)} at ${at(s.step)} is ${formatNumber(s.factor)}× the rolling median ${formatNumber(s.median)}`;
}

/** The event's sentence: `loss spike: loss 0.767 at step 41 is 28.5× the rolling median 0.0269`. */
export function lossSpikeText(e: LossSpike, at: StepText = plainStep): string {
  return `loss spike: ${spikeText(e, at)}`;
}

/** The summary row's value: the first spikes spelled out, the rest counted. */
export function lossSpikesRow(spikes: readonly LossSpike[], at: StepText = plainStep): string {
  const shown = spikes.slice(0, SPELLED).map((s) => spikeText(s, at));
  const more = spikes.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; ${more} more` : '');
}

/** The summary's record of a spike event. */
export function lossSpikeOf(e: LossSpikeEvent): LossSpike {
  return { step: e.step, loss: e.loss, median: e.median, factor: e.factor };
}
