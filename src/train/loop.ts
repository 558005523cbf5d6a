/**
 * The training loop: per step, tensor work (`step.ts`) → one readback → record →
 * detectors → policy → update or skip → sinks. Returns a RunSummary; an unstable run is a
 * result, not an exception.
 */
import type { ClipStrategy } from '../clip/types.js';
import type { DetectConfig, NormType } from '../config/schema.js';
import { createDetectors } from '../detect/index.js';
import type { RunSummary } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { tf } from '../runtime/tf.js';
import type { StepNumbers } from '../runtime/pack-layout.js';
import { createStepUpdate } from './update-clip.js';
import { sinkError } from './sink-errors.js';
import type { RunPlan } from './plan.js';
import { decide, initialPolicyState, type Decision, type PolicyState } from './policy.js';
import { computeStep } from './step.js';
import { observeAll, toRecord } from './step-record.js';
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
}

function namedHistograms(plan: RunPlan, n: StepNumbers): Record<string, Float32Array> {
  const named: Record<string, Float32Array> = {};
  const names = plan.layerNames;
  for (let i = 0; i < names.length; i++) named[names[i]!] = n.histograms[i]!;
  return named;
}

/** Runs the plan to the end, a halt, or an abort. Sinks are opened by the caller. */
export async function runLoop(o: LoopOptions): Promise<RunSummary> {
  const detectors = createDetectors(o.detect);
  const detectorStates: unknown[] = detectors.map((d) => d.init());
  const summary = createSummaryAccumulator();
  let strategyState = o.strategy.init(o.plan.vars);
  const applyGradients = createStepUpdate(o.plan.optimizer, o.plan.vars, o.strategy);
  let policy: PolicyState = initialPolicyState;
  let decision: Decision = { action: 'apply', reason: null };
  // wasm and cpu keep tensors in host memory, where the one readback is a plain copy:
  // read it synchronously there. Awaiting data() (tfjs's promise chain, then the loop's
  // resumption) cost ~5 µs per MLP step on wasm against ~1.5 µs (issue #9). Elsewhere
  // (tfjs-node) the loop awaits data().
  const hostMemory = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const fixedThreshold = o.strategy.fixedThreshold ?? null;
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
      const numbers = out.layout.decode(values);
      const record = toRecord(step, numbers, o.plan, fixedThreshold);
      const events = observeAll(detectors, detectorStates, { record, weightsFinite: numbers.weightsFinite });
      ({ decision, state: policy } = decide(events, policy, o.detect));
      if (decision.action === 'apply') applyGradients(out.grads, numbers.measured);
      strategyState = o.strategy.next(strategyState, numbers.measured);
      record.events = events;
      record.skipped = decision.action !== 'apply';
      record.wallMs = o.now() - t0;
      summary.add(record);
      const extra = histograms ? { histograms: namedHistograms(o.plan, numbers) } : undefined;
      const sinks = o.sinks;
      for (let k = 0; k < sinks.length; k++) {
        const sink = sinks[k]!;
        try {
          await sink.write(record, extra);
        } catch (e) {
          throw sinkError(sink, step, e);
        }
      }
    } finally {
      out.packed.dispose();
      const grads = out.grads;
      for (let k = 0; k < grads.length; k++) if (!grads[k]!.isDisposed) grads[k]!.dispose();
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
