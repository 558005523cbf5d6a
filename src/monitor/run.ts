/**
 * The object `monitor()` returns, in Node and in the browser alike: a tfjs optimizer and a
 * `fit` callback around one `MonitorCore`, the custom-loop `step`, and the summary. Where
 * records go (run directory, memory) is the `RecordOutlet` the entry point hands in.
 */
import { DelegatingOptimizer } from '../clip/delegating-optimizer.js';
import { GclipError } from '../errors.js';
import { layerGroups } from '../models/build.js';
import type { RunSummary, StepRecord } from '../record.js';
import { createApplyGradients, type ApplyGradients } from '../runtime/kernels/optimizer-update.js';
import { tf, type LayersModel, type NamedTensorMap, type Optimizer, type Scalar, type Tensor, type Variable } from '../runtime/tf.js';
import type { Decision } from '../train/policy.js';
import { createMonitorCore, type MonitorCore } from './core.js';
import type { ResolvedMonitorOptions } from './options.js';

/** Where a run's records go: every record in order, then the summary once. */
export interface RecordOutlet {
  /** Run directory reported in the summary, or null. */
  readonly runDir: string | null;
  push(record: StepRecord): void;
  /** Resolves when every pushed record is stored; rejects with the first storage failure. */
  flush(): Promise<void>;
  close(summary: RunSummary): Promise<void>;
}

/** What `run.step` returns. */
export interface MonitorStep {
  /** Clipped gradients, same names; new tensors owned by the caller (never the inputs). */
  readonly grads: NamedTensorMap;
  /** apply: update with `grads`; skip: leave the weights as they are this step; halt: stop training. */
  readonly decision: Decision['action'];
  /** Why the run halts, else null. */
  readonly reason: string | null;
  readonly record: StepRecord;
}

/** A monitored training run (see `monitor()`). */
export interface MonitorRun {
  /** A tfjs optimizer for `model.compile` that measures, clips and applies the policy around `inner`. */
  optimizer(inner: Optimizer): Optimizer;
  /** A `fit` callback: waits for each step's record to be stored and stops `fit` on a halt. */
  callback(): tf.Callback;
  /** One step of a custom loop: `grads` from `tf.variableGrads` (or `optimizer.computeGradients`) and the batch loss. */
  step(input: { readonly grads: NamedTensorMap; readonly loss: Tensor; readonly lr?: number }): MonitorStep;
  /** The records so far, in step order. */
  records(): readonly StepRecord[];
  /** The last decision (`halt` is final). */
  readonly decision: Decision;
  /** The RunSummary so far, as `gclip train` returns it. */
  summary(): RunSummary;
  /** Stores the last records and the summary (`summary.json`); returns the summary. */
  close(): Promise<RunSummary>;
}

/** tfjs's optimizers keep their learning rate here; NaN when the optimizer has none. */
function learningRate(o: Optimizer): number {
  const lr = (o as unknown as { learningRate?: unknown }).learningRate;
  return typeof lr === 'number' ? lr : Number.NaN;
}

function disposeAll(a: readonly Tensor[], b: readonly Tensor[]): void {
  for (const t of a) if (!t.isDisposed) t.dispose();
  for (const t of b) if (!t.isDisposed) t.dispose();
}

function noOptimizerError(): GclipError {
  return new GclipError('invalid_option', [{ path: 'callback', message: 'run.callback() saw a batch end but no step was measured: the model does not train with run.optimizer()', hint: 'Compile with model.compile({ optimizer: run.optimizer(tf.train.adam(1e-3)), loss }) and keep the callback.' }]);
}

/**
 * The tfjs optimizer of `run.optimizer(inner)`: `fit` calls `minimize`, which computes the
 * gradients, hands them with the loss to the core (one readback for both) and applies the
 * clipped gradients through `inner` unless the policy skips or halts the step.
 */
class MonitorOptimizer extends DelegatingOptimizer {
  static get className(): string {
    return 'GclipMonitorOptimizer';
  }

  private update: { key: string; apply: ApplyGradients } | null = null;

  constructor(
    inner: Optimizer,
    private readonly core: MonitorCore,
    private readonly outlet: RecordOutlet,
  ) {
    super(inner);
  }

  override minimize(f: () => Scalar, returnCost = false, varList?: Variable[]): Scalar | null {
    const { value, grads } = this.computeGradients(f, varList);
    const vars = varList ?? Object.keys(grads).map((n) => tf.engine().registeredVariables[n]!);
    const list = vars.map((v) => grads[v.name]!);
    if (this.core.decision.action !== 'halt') {
      const out = this.core.step({ vars, grads: list, loss: value, lr: learningRate(this.inner), optimizer: this.inner });
      try {
        // The core applied it already when the fused kernel measured the update in the readback.
        if (out.decision.action === 'apply' && !out.applied) this.updateFor(vars)(out.grads);
      } finally {
        disposeAll(list, out.grads);
      }
      this.outlet.push(out.record);
    } else {
      tf.dispose(list);
    }
    this.incrementIterations();
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** The inner optimizer's update for `vars` (one fused kernel on wasm/cpu, as in `gclip train`). */
  private updateFor(vars: readonly Variable[]): ApplyGradients {
    const key = vars.map((v) => v.name).join('\n');
    if (this.update?.key !== key) this.update = { key, apply: createApplyGradients(this.inner, vars) };
    return this.update.apply;
  }

  override applyGradients(): void {
    throw new GclipError('invalid_option', [{ path: 'optimizer', message: "the monitor's optimizer needs the loss with the gradients: it works through minimize (model.fit, fitDataset, trainOnBatch)", hint: 'In a custom loop call run.step({ grads, loss }) and apply the clipped grads with your own optimizer.' }]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName() };
  }
}

/** Variable name → layer name, from the model (the names `gclip train` logs). */
function layersOf(model: LayersModel): Map<string, string> {
  const g = layerGroups(model);
  return new Map(model.trainableWeights.map((w, i) => [w.name, g.names[g.varLayer[i]!]!]));
}

/** The `fit` callback of `run.callback()`. */
class MonitorCallback extends tf.Callback {
  private seen = 0;

  constructor(
    private readonly core: MonitorCore,
    private readonly outlet: RecordOutlet,
  ) {
    super();
  }

  override setModel(model: tf.LayersModel): void {
    super.setModel(model);
    this.core.useLayers(layersOf(model));
  }

  override async onBatchEnd(): Promise<void> {
    if (this.core.steps === this.seen) throw noOptimizerError();
    this.seen = this.core.steps;
    await this.outlet.flush();
    if (this.core.decision.action === 'halt') (this.model as LayersModel).stopTraining = true;
  }

  override async onTrainEnd(): Promise<void> {
    await this.outlet.flush();
  }
}

/** The tfjs variable a gradient of `tf.variableGrads` is named after. */
function variableNamed(name: string): Variable {
  const v = tf.engine().registeredVariables[name];
  if (v !== undefined) return v;
  throw new GclipError('invalid_option', [{ path: `grads.${name}`, message: `no tfjs variable is named '${name}'`, hint: 'Pass the map tf.variableGrads or optimizer.computeGradients returns: its keys are variable names.' }]);
}

/** The run of validated `options`, its records going to `outlet`. */
export function createMonitorRun(options: ResolvedMonitorOptions, outlet: RecordOutlet, now: () => number): MonitorRun {
  const core = createMonitorCore(options, now);
  const kept: StepRecord[] = [];
  const keep: RecordOutlet = { ...outlet, push: (r) => (kept.push(r), outlet.push(r)) };
  let closed: Promise<RunSummary> | null = null;
  return {
    optimizer: (inner) => new MonitorOptimizer(inner, core, keep),
    callback: () => new MonitorCallback(core, keep),
    step({ grads, loss, lr }) {
      const names = Object.keys(grads);
      const vars = names.map(variableNamed);
      const input = names.map((n) => grads[n]!);
      const out = core.step({ vars, grads: input, loss, lr: lr ?? Number.NaN });
      keep.push(out.record);
      // The caller owns its inputs: an unchanged gradient is handed back as a copy.
      const clipped = out.grads.map((g, i) => (g === input[i] ? tf.clone(g) : g));
      return { grads: Object.fromEntries(names.map((n, i) => [n, clipped[i]!])), decision: out.decision.action, reason: out.decision.reason, record: out.record };
    },
    records: () => kept,
    get decision() {
      return core.decision;
    },
    summary: () => core.summary(outlet.runDir),
    close() {
      closed ??= (async () => {
        await outlet.flush();
        const summary = core.summary(outlet.runDir);
        await outlet.close(summary);
        return summary;
      })();
      return closed;
    },
  };
}
