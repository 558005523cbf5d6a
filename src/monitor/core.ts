/**
 * The monitor's step, shared by the optimizer, the custom-loop `step` and the browser: one
 * step's gradients and loss → norms, clip and pack in one tidy (the CLI loop's
 * `clipAndPack`) → one readback → the record (`toRecord`) → detectors → policy. Browser-safe.
 *
 * Update telemetry (docs/update-telemetry.md): when the step names the optimizer that will
 * apply it (`run.optimizer()`), the update is proposed before the readback by the fused
 * host kernel, which appends ‖Δw‖, ‖Δw_l‖ and ‖Δw_l‖/‖w_l‖ to the packed vector as it
 * computes the new weights; the policy's decision then commits it or drops it. Where the
 * kernel declines (no host backend, the first step of an optimizer whose slots tfjs has not
 * created, a class without a fused rule, update clipping) the record has no update fields
 * and the caller applies the clipped gradients after the readback, as before.
 */
import { createStrategy } from '../clip/registry.js';
import type { ClipStrategy } from '../clip/types.js';
import { createDetectors } from '../detect/index.js';
import type { RunSummary, StepRecord } from '../record.js';
import { tf, type Tensor, type Variable } from '../runtime/tf.js';
import type { PackLayout } from '../runtime/pack-layout.js';
import { decide, initialPolicyState, type Decision, type PolicyState } from '../train/policy.js';
import { clipAndPack, type StepShape } from '../train/step.js';
import { observeAll, toRecord } from '../train/step-record.js';
import { createSummaryAccumulator } from '../train/summary.js';
import { isStrategy, type ResolvedMonitorOptions } from './options.js';
import { createProposeUpdate, type PendingUpdate } from '../runtime/kernels/optimizer-update.js';
import { isUpdateClip } from '../clip/update-clip.js';
import type { Optimizer } from '../runtime/tf.js';

/** One step as the core takes it: gradients in `vars` order, the batch loss, the learning rate (NaN when unknown). */
export interface CoreStepInput {
  readonly vars: readonly Variable[];
  readonly grads: readonly Tensor[];
  readonly loss: Tensor;
  readonly lr: number;
  /** The optimizer that applies the step, when the monitor applies it (`run.optimizer()`): its update is measured in the readback. */
  readonly optimizer?: Optimizer;
}

/** What a step gives back: clipped gradients (owned by the caller; may alias inputs), the record and the decision. */
export interface CoreStepOutput {
  readonly grads: Tensor[];
  readonly record: StepRecord;
  readonly decision: Decision;
  /** True when the core applied the step's update (its proposed update was committed); else the caller applies `grads` on `apply`. */
  readonly applied: boolean;
}

/** The step machine of one monitored run. */
export interface MonitorCore {
  step(input: CoreStepInput): CoreStepOutput;
  /** The last decision; `halt` is final. */
  readonly decision: Decision;
  /** Steps recorded so far. */
  readonly steps: number;
  /** Layer of each variable name, from the model when a callback saw it (else the name's prefix). */
  useLayers(layerOf: ReadonlyMap<string, string>): void;
  /** The RunSummary of the records so far (also after a halt). */
  summary(runDir: string | null): RunSummary;
}

/** The layer of a variable named `dense_Dense1/kernel`: `dense_Dense1` (tfjs names weights `<layer>/<weight>`). */
function prefixLayer(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash > 0 ? name.slice(0, slash) : name;
}

interface Shape extends StepShape {
  readonly layerNames: readonly string[];
  readonly key: string;
  /** The fused update proposer of the optimizer it was made for, or null (no fused rule). */
  propose?: { readonly optimizer: Optimizer; readonly run: ((grads: readonly Tensor[], packed: Tensor) => PendingUpdate | null) | null };
}

function shapeOf(vars: readonly Variable[], layerOf: ReadonlyMap<string, string>): Shape {
  const layerNames: string[] = [];
  const groups: number[][] = [];
  vars.forEach((v, i) => {
    const layer = layerOf.get(v.name) ?? prefixLayer(v.name);
    let g = layerNames.indexOf(layer);
    if (g < 0) {
      g = layerNames.push(layer) - 1;
      groups.push([]);
    }
    groups[g]!.push(i);
  });
  return { vars, varNames: vars.map((v) => v.name), groups, layerNames, key: vars.map((v) => v.name).join('\n') };
}

/** The fused update proposer of `optimizer` for the shape's variables and layers (made once per shape and optimizer). */
function proposerOf(s: Shape, optimizer: Optimizer): ((grads: readonly Tensor[], packed: Tensor) => PendingUpdate | null) | null {
  if (s.propose?.optimizer !== optimizer) {
    const layerOf = new Array<number>(s.vars.length).fill(0);
    s.groups.forEach((g, l) => g.forEach((j) => (layerOf[j] = l)));
    s.propose = { optimizer, run: createProposeUpdate(optimizer, s.vars, { layerOf, layers: s.layerNames.length }) };
  }
  return s.propose.run;
}

/** A fresh core for validated options; `now` is a millisecond clock. */
export function createMonitorCore(options: ResolvedMonitorOptions, now: () => number): MonitorCore {
  const strategy: ClipStrategy = isStrategy(options.clip) ? options.clip : createStrategy(options.clip);
  const normType = isStrategy(options.clip) ? 2 : options.clip.normType;
  const fixedThreshold = strategy.fixedThreshold ?? null;
  const updateClip = isUpdateClip(strategy);
  const detectors = createDetectors(options.detect);
  const detectorStates: unknown[] = detectors.map((d) => d.init());
  const accumulator = createSummaryAccumulator();
  let layerOf: ReadonlyMap<string, string> = new Map();
  let shape: Shape | null = null;
  let strategyState: unknown;
  let policy: PolicyState = initialPolicyState;
  let decision: Decision = { action: 'apply', reason: null };
  let step = 0;
  let started: number | null = null;
  let lastEnd: number | null = null;

  return {
    step(input) {
      const t0 = now();
      started ??= t0;
      const key = input.vars.map((v) => v.name).join('\n');
      if (shape === null || shape.key !== key) shape = shapeOf(input.vars, layerOf);
      strategyState ??= strategy.init(input.vars);
      const s = shape;
      let layout: PackLayout | undefined;
      const out = tf.tidy(() => {
        const r = clipAndPack(s, strategy, strategyState, { step, normType, evaluate: false }, { loss: input.loss, grads: [...input.grads] }, () => null);
        layout = r.layout;
        return { packed: r.packed, grads: r.grads };
      });
      const pending = input.optimizer && !updateClip ? proposerOf(s, input.optimizer)?.(out.grads, out.packed) ?? null : null;
      let values: Float32Array;
      try {
        values = (pending?.packed ?? out.packed).dataSync<'float32'>();
      } catch (e) {
        pending?.discard();
        throw e;
      } finally {
        out.packed.dispose();
        pending?.packed?.dispose();
      }
      const numbers = layout!.decode(values);
      const record = toRecord(step, numbers, { layerNames: s.layerNames, lr: input.lr }, fixedThreshold);
      const events = observeAll(detectors, detectorStates, { record, weightsFinite: numbers.weightsFinite });
      ({ decision, state: policy } = decide(events, policy, options.detect));
      // The proposed update reaches the weights only when the policy applies the step.
      if (decision.action === 'apply') pending?.commit();
      else pending?.discard();
      strategyState = strategy.next(strategyState, numbers.measured);
      record.events = events;
      record.skipped = decision.action !== 'apply';
      const end = now();
      record.wallMs = end - (lastEnd ?? t0);
      lastEnd = end;
      accumulator.add(record);
      step++;
      return { grads: out.grads, record, decision, applied: pending !== null && decision.action === 'apply' };
    },
    get decision() {
      return decision;
    },
    get steps() {
      return step;
    },
    useLayers(map) {
      layerOf = map;
      shape = null;
    },
    summary(runDir) {
      const s = accumulator.finish({
        halted: decision.action === 'halt',
        reason: decision.reason,
        backend: tf.getBackend(),
        runDir,
        totalMs: started === null || lastEnd === null ? 0 : lastEnd - started,
      });
      // A snapshot: the accumulator keeps counting into its events object.
      return { ...s, events: { ...s.events } };
    },
  };
}
