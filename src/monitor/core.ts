/**
 * The monitor's step, shared by the optimizer, the custom-loop `step` and the browser: one
 * step's gradients and loss → norms, clip and pack in one tidy (the CLI loop's
 * `clipAndPack`) → one readback → the record (`toRecord`) → detectors → policy. Browser-safe.
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

/** One step as the core takes it: gradients in `vars` order, the batch loss, the learning rate (NaN when unknown). */
export interface CoreStepInput {
  readonly vars: readonly Variable[];
  readonly grads: readonly Tensor[];
  readonly loss: Tensor;
  readonly lr: number;
}

/** What a step gives back: clipped gradients (owned by the caller; may alias inputs), the record and the decision. */
export interface CoreStepOutput {
  readonly grads: Tensor[];
  readonly record: StepRecord;
  readonly decision: Decision;
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

/** A fresh core for validated options; `now` is a millisecond clock. */
export function createMonitorCore(options: ResolvedMonitorOptions, now: () => number): MonitorCore {
  const strategy: ClipStrategy = isStrategy(options.clip) ? options.clip : createStrategy(options.clip);
  const normType = isStrategy(options.clip) ? 2 : options.clip.normType;
  const fixedThreshold = strategy.fixedThreshold ?? null;
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
      let values: Float32Array;
      try {
        values = out.packed.dataSync<'float32'>();
      } finally {
        out.packed.dispose();
      }
      const numbers = layout!.decode(values);
      const record = toRecord(step, numbers, { layerNames: s.layerNames, lr: input.lr }, fixedThreshold);
      const events = observeAll(detectors, detectorStates, { record, weightsFinite: numbers.weightsFinite });
      ({ decision, state: policy } = decide(events, policy, options.detect));
      strategyState = strategy.next(strategyState, numbers.measured);
      record.events = events;
      record.skipped = decision.action !== 'apply';
      const end = now();
      record.wallMs = end - (lastEnd ?? t0);
      lastEnd = end;
      accumulator.add(record);
      step++;
      return { grads: out.grads, record, decision };
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
