/**
 * Fault injection in the training step (`--inject`, docs/fault-injection.md): the specs
 * of `config.inject` checked against the run (step in range, layer known) and grouped by
 * step; the tensor work that poisons a step's loss or gradients before they are measured
 * and clipped, so the real detectors, policy and clip path react; and the `injected`
 * events that mark the step in the log.
 *
 * Cost: a run without faults pays one `Map` lookup per step and nothing else; the fused
 * fast path stays in use on every step, the injected one included (the poisoned gradients
 * go into the same fused kernel), and the step still reads back once.
 */
import { parseFault, type Fault } from '../config/inject-schema.js';
import { inputError } from '../errors.js';
import type { RunEvent } from '../record.js';
import { tf, type Tensor } from '../runtime/tf.js';
import type { RunPlan } from './plan.js';

/** The faults of a run by step (the steps with none are absent). */
export type FaultPlan = ReadonlyMap<number, readonly Fault[]>;

function injectError(spec: string, message: string, hint: string) {
  // The run does not know whether a flag or the file gave the spec: the field and the flag are both named.
  return inputError('invalid_inject', { path: 'inject', message: `Cannot inject ${spec} (--inject / inject:): ${message}`, hint });
}

/**
 * Parses `specs` (already validated by the config schema) and checks them against the
 * run: a step beyond its last, or a layer it does not have, is bad input (exit 2).
 */
export function planFaults(specs: readonly string[] | undefined, plan: Pick<RunPlan, 'totalSteps' | 'layerNames'>): FaultPlan {
  const byStep = new Map<number, Fault[]>();
  for (const spec of specs ?? []) {
    const fault = parseFault(spec);
    if (typeof fault === 'string') throw injectError(spec, fault, 'See docs/fault-injection.md for the accepted forms.');
    if (fault.step >= plan.totalSteps) {
      throw injectError(spec, `the run has steps 0 to ${plan.totalSteps - 1}`, `Pick a step below ${plan.totalSteps}, or train longer (--steps).`);
    }
    if (fault.layer !== null && !plan.layerNames.includes(fault.layer)) {
      throw injectError(spec, `the model has no layer '${fault.layer}'`, `Layers: ${plan.layerNames.join(', ')}.`);
    }
    byStep.set(fault.step, [...(byStep.get(fault.step) ?? []), fault]);
  }
  return byStep;
}

/**
 * The step's loss and gradients with `faults` applied, in order (inside the caller's tidy):
 * `nan`/`inf` fill every gradient with NaN/+Infinity, `spike` multiplies the gradients
 * (of one layer's variables when it names a layer) by its factor, `loss-nan` adds NaN to
 * the loss after the gradients were taken (they stay as computed).
 */
export function applyFaults(faults: readonly Fault[], t: { loss: Tensor; grads: Tensor[] }, groups: RunPlan['groups'], layerNames: readonly string[]): { loss: Tensor; grads: Tensor[] } {
  let { loss, grads } = t;
  for (const f of faults) {
    if (f.kind === 'loss-nan') loss = loss.add(Number.NaN);
    else if (f.kind === 'nan' || f.kind === 'inf') grads = grads.map((g) => tf.fill(g.shape, f.kind === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY));
    else {
      const only = f.layer === null ? null : new Set(groups[layerNames.indexOf(f.layer)]);
      grads = grads.map((g, i) => (only === null || only.has(i) ? g.mul(f.factor!) : g));
    }
  }
  return { loss, grads };
}

/** The `injected` events of `faults` at their step, for the step's record. */
export function injectedEvents(faults: readonly Fault[]): RunEvent[] {
  return faults.map((f) => ({ kind: 'injected', step: f.step, fault: f.kind, ...(f.factor === null ? {} : { factor: f.factor }), layer: f.layer }));
}
