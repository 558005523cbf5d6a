/**
 * The training loop: per step, tensor work (`step.ts`) → one readback → record →
 * detectors → policy → update or skip → sinks. Returns a RunSummary; an unstable run is a
 * result, not an exception.
 */
import type { ClipStrategy } from '../clip/types.js';
import type { DetectConfig, NormType } from '../config/schema.js';
import { createDetectors, type Detector, type StepObservation } from '../detect/index.js';
import type { RunEvent, RunSummary, StepRecord } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { tf, type NamedTensorMap, type Tensor } from '../runtime/tf.js';
import { wrapSinkError } from './sink-errors.js';
import type { RunPlan } from './plan.js';
import { decide, initialPolicyState, type Decision, type PolicyState } from './policy.js';
import { computeStep, unpack, type StepNumbers } from './step.js';
import { createSummaryAccumulator } from './summary.js';

export interface LoopOptions {
  readonly plan: RunPlan;
  readonly strategy: ClipStrategy;
  readonly normType: NormType;
  readonly detect: DetectConfig;
  /** Evaluate the validation loss every N steps (0 = never). */
  readonly evalEvery: number;
  readonly sinks: readonly Sink[];
  readonly backend: string;
  readonly runDir: string | null;
  /** Milliseconds clock, injected (style.md §4). */
  readonly now: () => number;
  /** Stops the run after the current step (e.g. on SIGINT). */
  readonly signal?: AbortSignal;
  /** Read gradient values back for histogram sinks every N steps (0 = never), in the same readback. */
  readonly histogramEvery?: number;
  /** Threshold logged for this strategy when it reads none back (e.g. a fixed clip value). */
  readonly fixedThreshold?: number | null;
}

function toRecord(step: number, n: StepNumbers, plan: RunPlan, fixedThreshold: number | null, wallMs: number) {
  const layerNorms: Record<string, number> = {};
  const layerNormsPost: Record<string, number> = {};
  plan.layerNames.forEach((name, i) => {
    layerNorms[name] = n.preLayers[i]!;
    layerNormsPost[name] = n.postLayers[i]!;
  });
  // Element-wise strategies read back no coefficient: report the norm ratio instead.
  const coef = n.readback.coef;
  const clipCoef = coef ?? (n.preClipNorm > 0 ? n.postClipNorm / n.preClipNorm : 1);
  return {
    step,
    loss: n.loss,
    preClipNorm: n.preClipNorm,
    postClipNorm: n.postClipNorm,
    clipCoef,
    clipped: coef !== undefined ? coef < 1 : n.postClipNorm < n.preClipNorm,
    threshold: fixedThreshold ?? n.readback.threshold ?? null,
    layerNorms,
    layerNormsPost,
    lr: plan.lr,
    valLoss: n.valLoss,
    wallMs,
  };
}

function observeAll(detectors: readonly Detector[], states: unknown[], obs: StepObservation): RunEvent[] {
  const events: RunEvent[] = [];
  detectors.forEach((d, i) => {
    const r = d.observe(obs, states[i]);
    states[i] = r.state;
    events.push(...r.events);
  });
  return events;
}

function namedHistograms(plan: RunPlan, n: StepNumbers): Record<string, Float32Array> {
  return Object.fromEntries(plan.layerNames.map((name, i) => [name, n.histograms[i]!]));
}

function applyUpdate(plan: RunPlan, grads: readonly Tensor[]): void {
  const named: NamedTensorMap = {};
  plan.vars.forEach((v, i) => (named[v.name] = grads[i]!));
  plan.optimizer.applyGradients(named);
}

/** Runs the plan to the end, a halt, or an abort. Sinks are opened by the caller. */
export async function runLoop(o: LoopOptions): Promise<RunSummary> {
  const detectors = createDetectors(o.detect);
  const detectorStates: unknown[] = detectors.map((d) => d.init());
  const summary = createSummaryAccumulator();
  let strategyState = o.strategy.init(o.plan.vars);
  let policy: PolicyState = initialPolicyState;
  let decision: Decision = { action: 'apply', reason: null };
  // wasm and cpu keep tensors in host memory, where the one readback is a plain copy:
  // read it synchronously there. Awaiting data() (tfjs's promise chain, then the loop's
  // resumption) cost ~5 µs per MLP step on wasm against ~1.5 µs (issue #9). Elsewhere
  // (tfjs-node) the loop awaits data().
  const hostMemory = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const started = o.now();
  for (let step = 0; step < o.plan.totalSteps && decision.action !== 'halt'; step++) {
    if (o.signal?.aborted) {
      decision = { action: 'halt', reason: `interrupted before step ${step}` };
      break;
    }
    const t0 = o.now();
    const evaluate = o.evalEvery > 0 && (step % o.evalEvery === 0 || step === o.plan.totalSteps - 1);
    const histograms = (o.histogramEvery ?? 0) > 0 && step % o.histogramEvery! === 0;
    const out = computeStep(o.plan, o.strategy, strategyState, { step, normType: o.normType, evaluate, histograms });
    try {
      const values = hostMemory ? out.packed.dataSync<'float32'>() : await out.packed.data<'float32'>();
      const numbers = unpack(values, out.layout);
      const partial = toRecord(step, numbers, o.plan, o.fixedThreshold ?? null, 0);
      const events = observeAll(detectors, detectorStates, { record: partial, weightsFinite: numbers.weightsFinite });
      ({ decision, state: policy } = decide(events, policy, o.detect));
      if (decision.action === 'apply') applyUpdate(o.plan, out.grads);
      strategyState = o.strategy.next(strategyState, { preClipNorm: numbers.preClipNorm, ...numbers.readback });
      const record: StepRecord = { ...partial, events, skipped: decision.action !== 'apply', wallMs: o.now() - t0 };
      summary.add(record);
      const extra = histograms ? { histograms: namedHistograms(o.plan, numbers) } : undefined;
      for (const sink of o.sinks) await wrapSinkError(sink, step, () => sink.write(record, extra));
    } finally {
      out.packed.dispose();
      for (const g of out.grads) if (!g.isDisposed) g.dispose();
    }
  }
  return summary.finish({
    halted: decision.action === 'halt',
    reason: decision.reason,
    backend: o.backend,
    runDir: o.runDir,
    totalMs: o.now() - started,
  });
}
