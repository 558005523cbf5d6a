/**
 * Maps a step's detector events to one action. Severity order halt > rollback > skip >
 * warn; each event kind's action comes from the config. Skips are budgeted: more than
 * `maxConsecutive` in a row or `maxTotal` in all turns the skip into a halt; rollbacks
 * beyond `detect.rollback.maxTotal` halt too.
 */
import { formatNumber } from '../format.js';
import type { Action, DetectConfig } from '../config/schema.js';
import type { RunEvent } from '../record.js';
import { injectedText } from '../log/injected.js';
import { lossSpikeText } from '../log/loss-spike.js';

export interface PolicyState {
  readonly consecutiveSkips: number;
  readonly totalSkips: number;
  /** Rollbacks done so far (older checkpoints lack it: 0). */
  readonly totalRollbacks?: number;
}

/** A detector event that can ask for a rollback (a rollback record or an injected fault is not one). */
export type DetectedEvent = Exclude<RunEvent, { kind: 'rollback' | 'injected' }>;

export interface Decision {
  /** 'apply' when no event asked for anything stronger than a warning. */
  readonly action: 'apply' | 'skip' | 'rollback' | 'halt';
  /** Why the run halts (event or exhausted budget), else null. */
  readonly reason: string | null;
  /** For `rollback`: the event that asked for it. */
  readonly cause?: DetectedEvent;
}

const SEVERITY: Record<Action, number> = { warn: 0, skip: 1, rollback: 2, halt: 3 };

export const initialPolicyState: PolicyState = { consecutiveSkips: 0, totalSkips: 0 };

function actionFor(event: RunEvent, config: DetectConfig): Action {
  return event.kind === 'rollback' || event.kind === 'injected' ? 'warn' : config[event.kind].action;
}

/** Decides the step's action and returns the next policy state. Pure. */
export function decide(
  events: readonly RunEvent[],
  state: PolicyState,
  config: DetectConfig,
): { decision: Decision; state: PolicyState } {
  let worst: RunEvent | null = null;
  for (const event of events) {
    if (worst === null || SEVERITY[actionFor(event, config)] > SEVERITY[actionFor(worst, config)]) worst = event;
  }
  const action = worst === null ? 'warn' : actionFor(worst, config);
  if (action === 'halt') return { decision: { action: 'halt', reason: describe(worst!) }, state };
  if (action === 'warn') return { decision: { action: 'apply', reason: null }, state: { ...state, consecutiveSkips: 0 } };
  if (action === 'rollback') return rollback(worst as DetectedEvent, state, config);
  const next = { consecutiveSkips: state.consecutiveSkips + 1, totalSkips: state.totalSkips + 1 };
  const { maxConsecutive, maxTotal } = config.skip;
  if (next.consecutiveSkips > maxConsecutive || next.totalSkips > maxTotal) {
    const which = next.consecutiveSkips > maxConsecutive ? `${maxConsecutive} consecutive` : `${maxTotal} total`;
    return {
      decision: { action: 'halt', reason: `skip budget exhausted (${which} skipped steps) after ${describe(worst!)}` },
      state: next,
    };
  }
  return { decision: { action: 'skip', reason: null }, state: next };
}

function rollback(cause: DetectedEvent, state: PolicyState, config: DetectConfig): { decision: Decision; state: PolicyState } {
  const done = state.totalRollbacks ?? 0;
  const { maxTotal } = config.rollback;
  if (done >= maxTotal) {
    return { decision: { action: 'halt', reason: `rollback budget exhausted (${maxTotal} rollbacks) after ${describe(cause)}` }, state };
  }
  return { decision: { action: 'rollback', reason: null, cause }, state: { ...state, consecutiveSkips: 0, totalRollbacks: done + 1 } };
}

/**
 * One human sentence for an event (also used in summaries). It names no layer: the layer
 * blamed is the onset's (`log/onset`), shown once beside the onset by every surface.
 */
export function describe(event: RunEvent): string {
  switch (event.kind) {
    case 'nonfinite':
      return `non-finite ${event.what.join(', ').replace('grad_norm', 'gradient norm')} at step ${event.step}`;
    case 'spike':
      return `gradient spike at step ${event.step}: norm ${fmt(event.preClipNorm)} vs median ${fmt(event.median)} (z ${fmt(event.z)})`;
    case 'divergence':
      return `loss diverged from step ${event.since}: ${fmt(event.loss)} at step ${event.step} is ${fmt(event.factor)}× the best ${fmt(event.bestLoss)}`;
    case 'injected':
      return `injected fault ${injectedText(event)} at step ${event.step}`;
    case 'updateRatio':
      if (event.ceiling) return `update/weight ratio ${fmt(event.ratio)} above the ceiling at step ${event.step}`;
      return `update/weight ratio jump at step ${event.step}: ${fmt(event.ratio)} vs median ${fmt(event.median)} (z ${fmt(event.z)})`;
    case 'lossSpike':
      return lossSpikeText(event);
    case 'rollback':
      return `rolled back at step ${event.step} (${event.cause}) to the state before step ${event.toStep}, skipping batches ${event.skipped[0]}–${event.skipped[1]}; lr now ${fmt(event.lr)}`;
  }
}

const fmt = (x: number): string => formatNumber(x);
