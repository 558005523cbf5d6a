/**
 * The training loop: per step, tensor work (`step.ts`) → one readback → record →
 * detectors → policy → update or skip → sinks. Returns a RunSummary; an unstable run is a
 * result, not an exception.
 */
import type { ClipStrategy } from '../clip/types.js';
import type { DetectConfig, NormType } from '../config/schema.js';
import { createDetectors } from '../detect/index.js';
import { isRollbackStep } from '../log/summary.js';
import type { RunEvent, RunSummary, StepRecord } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { tf } from '../runtime/tf.js';
import type { StepNumbers } from '../runtime/pack-layout.js';
import { createStepUpdate } from './update-clip.js';
import { createUpdateProposer, type UpdateProposal } from './update-proposal.js';
import { sinkError } from './sink-errors.js';
import type { RunPlan } from './plan.js';
import { decide, initialPolicyState, type Decision, type DetectedEvent, type PolicyState } from './policy.js';
import { computeStep } from './step.js';
import { injectedEvents, type FaultPlan } from './inject.js';
import { batchesOf } from './blame.js';
import { observeAll, toRecord } from './step-record.js';
import { disposeSnapshot, restoreTensors, setLearningRate, takeSnapshot } from './snapshot.js';
import type { LoopState, RingCarry, RingEntry } from './loop-state.js';

export type { LoopState } from './loop-state.js';
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
  /** Continue a run from a checkpoint: its state (tensors already restored), the records before it and its rollback ring (the loop takes its tensors). */
  readonly start?: { readonly state: LoopState; readonly history: readonly StepRecord[]; readonly ring?: RingCarry };
  /** Log each step's update norms and ratios (default true); false applies after the readback, as before issue #20 (bench/update-telemetry.mjs). */
  readonly updateTelemetry?: boolean;
  /** Writes a checkpoint every `every` steps (0: never between steps) and when the loop ends. */
  readonly checkpoint?: { readonly every: number; write(state: LoopState, ring?: RingCarry): Promise<void> };
  /** Faults to inject, by step (`--inject`, see `inject.ts`). */
  readonly faults?: FaultPlan;
  /** Stop after this step (`gclip replay`); default: run the plan to its end. */
  readonly lastStep?: number;
}

function namedHistograms(plan: RunPlan, n: StepNumbers): Record<string, Float32Array> {
  const named: Record<string, Float32Array> = {};
  const names = plan.layerNames;
  for (let i = 0; i < names.length; i++) named[names[i]!] = n.histograms[i]!;
  return named;
}

/** Longest stretch of steps without a turn of the event loop (signals are delivered there). */
const YIELD_MS = 50;

/** Whether an event leaves the run unstable unless a rollback answers it. */
const isUnstable = (e: RunEvent): boolean => e.kind === 'nonfinite' || e.kind === 'divergence';

/** Whether a record holds an unstable event that no rollback answered. */
function unansweredIn(record: StepRecord): boolean {
  return record.events.some(isUnstable) && !isRollbackStep(record);
}

/** Whether any event kind's action is `rollback` (then the loop keeps a ring of snapshots). */
function rollsBack(detect: DetectConfig): boolean {
  return (['nonfinite', 'spike', 'divergence', 'updateRatio', 'lossSpike'] as const).some((k) => detect[k].action === 'rollback');
}

/**
 * The newest ring entry from before the event: for a divergence, from before its streak
 * began (the first diverged loss was measured on that step's starting weights); for
 * non-finite weights, from before the step that measured them; otherwise the state the bad
 * step started from will do, since its batch is skipped.
 */
function rollbackTarget(ring: readonly RingEntry[], cause: DetectedEvent): number {
  const at = cause.kind === 'divergence' ? cause.since : cause.step;
  const strict = cause.kind === 'divergence' || (cause.kind === 'nonfinite' && cause.what.includes('weights'));
  for (let i = ring.length - 1; i >= 0; i--) {
    const s = ring[i]!.state.step;
    if (s < at || (!strict && s === at)) return i;
  }
  return -1;
}

/** Runs the plan to the end, a halt, or an abort. Sinks are opened by the caller. */
export async function runLoop(o: LoopOptions): Promise<RunSummary> {
  const detectors = createDetectors(o.detect);
  const summary = createSummaryAccumulator();
  const from = o.start?.state;
  let detectorStates: unknown[] = detectors.map((d, i) => from?.detectorStates[i] ?? d.init()); // a checkpoint from before a detector existed (--force) starts it fresh
  let strategyState = from ? from.strategyState : o.strategy.init(o.plan.vars);
  let policy: PolicyState = from?.policy ?? initialPolicyState;
  let lr = from?.lr ?? o.plan.lr;
  let dataStep = from?.dataStep ?? 0;
  let unanswered = from?.unanswered ?? false;
  for (const record of o.start?.history ?? []) summary.add(record);
  if (from && lr !== o.plan.lr) setLearningRate(o.plan.optimizer, lr);
  const applyGradients = createStepUpdate(o.plan.optimizer, o.plan.vars, o.strategy);
  const propose = o.updateTelemetry === false ? null : createUpdateProposer(o.plan, o.strategy);
  const recordShape = { layerNames: o.plan.layerNames, lr };
  // The step before a resume decides whether its step snapshots into the ring, as it did uninterrupted.
  let decision: Decision = { action: o.start?.ring?.lastApplied === false ? 'skip' : 'apply', reason: null };
  let interrupted = false;
  // wasm and cpu keep tensors in host memory, where the one readback is a plain copy:
  // read it synchronously there. Awaiting data() (tfjs's promise chain, then the loop's
  // resumption) cost ~5 µs per MLP step on wasm against ~1.5 µs (issue #9). Elsewhere
  // (tfjs-node) the loop awaits data().
  const hostMemory = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu';
  const fixedThreshold = o.strategy.fixedThreshold ?? null;
  const keepRing = rollsBack(o.detect);
  const { every: ringEvery, keep: ringKeep, lrScale } = o.detect.rollback;
  // A resumed ring (the checkpoint's); a --force resume with fewer or no rollback snapshots keeps the newest.
  const ring: RingEntry[] = [...(o.start?.ring?.entries ?? [])];
  for (const dropped of ring.splice(0, Math.max(0, ring.length - (keepRing ? ringKeep : 0)))) disposeSnapshot(dropped.tensors);
  const carry = (): RingCarry | undefined => (keepRing ? { entries: ring, lastApplied: decision.action === 'apply' } : undefined);
  const stateAt = (step: number): LoopState => ({ step, dataStep, lr, strategyState, detectorStates: [...detectorStates], policy, unanswered });
  const checkpointEvery = o.checkpoint?.every ?? 0;
  const started = o.now();
  let step = from?.step ?? 0;
  let yielded = started;
  try {
    const end = Math.min(o.plan.totalSteps, (o.lastStep ?? Infinity) + 1);
    for (; step < end && decision.action !== 'halt'; step++) {
      // A step on wasm/cpu never leaves the microtask queue, so a signal's handler would
      // never run: let the event loop turn every YIELD_MS.
      if (o.signal && o.now() - yielded >= YIELD_MS) {
        await new Promise((done) => setImmediate(done));
        yielded = o.now();
      }
      if (o.signal?.aborted) {
        interrupted = true;
        decision = { action: 'halt', reason: `interrupted by ${String(o.signal.reason ?? 'a signal')} before step ${step} of ${o.plan.totalSteps}` };
        break;
      }
      if (checkpointEvery > 0 && step > (from?.step ?? 0) && step % checkpointEvery === 0) await o.checkpoint!.write(stateAt(step), carry());
      if (keepRing && (ring.length === 0 || (step % ringEvery === 0 && decision.action === 'apply'))) {
        ring.push({ state: stateAt(step), tensors: takeSnapshot(o.plan) });
        if (ring.length > ringKeep) disposeSnapshot(ring.shift()!.tensors);
      }
      const t0 = o.now();
      const evaluate = o.evalEvery > 0 && (step % o.evalEvery === 0 || step === o.plan.totalSteps - 1);
      const histograms = (o.histogramEvery ?? 0) > 0 && step % o.histogramEvery! === 0;
      const faults = o.faults?.get(step);
      const out = computeStep(o.plan, o.strategy, strategyState, { step, dataStep, normType: o.normType, evaluate, histograms, faults, defer: propose?.defers?.() });
      let proposal: UpdateProposal | null = null;
      let unsettled = false;
      try {
        // The update is computed before the readback, so its norms ride in it (update-proposal.ts).
        proposal = propose?.(out.grads, out.packed, out.host) ?? null;
        unsettled = proposal !== null;
        const readback = proposal?.packed ?? out.packed;
        const values = hostMemory ? readback.dataSync<'float32'>() : await readback.data<'float32'>();
        const numbers = out.layout.decode(proposal?.finish?.(values) ?? values);
        const record = toRecord(step, numbers, recordShape, fixedThreshold);
        const events = observeAll(detectors, detectorStates, { record, weightsFinite: numbers.weightsFinite });
        ({ decision, state: policy } = decide(events, policy, o.detect));
        const target = decision.action === 'rollback' ? rollbackTarget(ring, decision.cause!) : -1;
        if (target < 0 && decision.action === 'rollback') decision = { action: 'halt', reason: `no state from before step ${decision.cause!.step} to roll back to (the ring keeps ${ringKeep} snapshots, every ${ringEvery} steps)` };
        // A rollback restores an older state from the ring below: the step's own snapshot need not go back first.
        if (decision.action === 'rollback') proposal?.release();
        else if (decision.action !== 'apply') await proposal?.discard();
        else if (proposal) proposal.commit();
        else applyGradients(out.grads, numbers.measured);
        unsettled = false;
        strategyState = o.strategy.next(strategyState, numbers.measured);
        if (decision.action === 'rollback') {
          const entry = ring[target]!;
          for (const dropped of ring.splice(target + 1)) disposeSnapshot(dropped.tensors);
          await restoreTensors(o.plan, entry.tensors);
          const skipped: [number, number] = [entry.state.dataStep, dataStep];
          ({ strategyState } = entry.state);
          detectorStates = [...entry.state.detectorStates];
          policy = { ...entry.state.policy, totalSkips: policy.totalSkips, totalRollbacks: policy.totalRollbacks };
          lr = lr * lrScale;
          recordShape.lr = lr;
          setLearningRate(o.plan.optimizer, lr);
          const cause = decision.cause!;
          events.push({ kind: 'rollback', step, cause: cause.kind, toStep: entry.state.step, skipped, lr, layer: cause.layer });
        }
        record.events = faults ? [...injectedEvents(faults), ...events] : events;
        // Data position of an earlier step s: dataStep and step advance together, so s + (dataStep − step).
        if (record.events.length > 0 && o.plan.nameBatch) record.batches = batchesOf(record, summary.onsetIf(record), (s) => o.plan.nameBatch!(s, s + dataStep - step));
        dataStep++;
        if (unansweredIn(record)) unanswered = true;
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
        // A step that threw before the policy decided leaves the weights as they were.
        if (unsettled) await proposal!.discard();
        proposal?.packed.dispose();
        out.packed.dispose();
        const grads = out.grads;
        for (let k = 0; k < grads.length; k++) if (!grads[k]!.isDisposed) grads[k]!.dispose();
      }
    }
    if (o.checkpoint) await o.checkpoint.write(stateAt(step), carry());
  } finally {
    for (const entry of ring) disposeSnapshot(entry.tensors);
  }
  return summary.finish({
    halted: decision.action === 'halt',
    interrupted,
    recovered: (policy.totalRollbacks ?? 0) > 0 && !unanswered,
    reason: decision.reason,
    backend: o.backend,
    runDir: o.runDir,
    totalMs: o.now() - started,
  });
}
