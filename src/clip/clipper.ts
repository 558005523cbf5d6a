/**
 * `createClipper` for users' own tfjs loops and `ClippingOptimizer` for `model.fit`: both keep a
 * strategy's plain-data state between calls and do exactly one host readback per step.
 */
import { tf } from '../runtime/tf.js';
import type { NamedTensorMap, Optimizer, Scalar, Tensor } from '../runtime/tf.js';
import type { ClipStrategy, Measured } from './types.js';
import { createClipContext } from './context.js';
import { DelegatingOptimizer, type NamedTensor } from './delegating-optimizer.js';
import type { NormOrder } from './norms.js';

/** The numbers of one clip step: `preClipNorm` plus every readback key of the strategy. */
export type ClipNumbers = Measured;

/** What `Clipper.clip` returns. */
export interface ClipResult {
  /** Clipped gradients, same names; new tensors owned by the caller (never the inputs). */
  readonly grads: NamedTensorMap;
  /** `preClipNorm` (in the clipper's normType) and the readback (`coef`, `threshold`, …). */
  readonly numbers: ClipNumbers;
}

/** A strategy with its state kept between calls. */
export interface Clipper<S = unknown> {
  /** Clips one step's gradients; `vars` default to the registered tfjs variables of the same names. */
  clip(grads: NamedTensorMap, vars?: readonly Tensor[]): ClipResult;
  /** The current state (plain JSON data: checkpoint it with JSON.stringify). */
  readonly state: S;
  /**
   * Replaces the state (resume from a checkpoint). Pass `step` too (the `step` saved with
   * the state) when the strategy reads `ctx.step`; by default the step count is unchanged.
   */
  restore(state: S, step?: number): void;
  /** Steps clipped so far (the `step` given to the strategy). */
  readonly step: number;
}

/** Options of `createClipper`. */
export interface ClipperOptions {
  /** Norm order of `preClipNorm` and of `ctx.totalNorm`; default 2. */
  readonly normType?: NormOrder;
}

/**
 * The registered tfjs variables named `names`, in order. A name without one gets a scalar
 * zero, which is also listed in `placeholders`: the caller disposes those after the step.
 */
function registeredVars(names: readonly string[]): { vars: Tensor[]; placeholders: Tensor[] } {
  const registry = tf.engine().registeredVariables;
  const placeholders: Tensor[] = [];
  const vars = names.map((n) => {
    const registered = registry[n];
    if (registered !== undefined) return registered;
    const zero = tf.zeros([]);
    placeholders.push(zero);
    return zero;
  });
  return { vars, placeholders };
}

/**
 * Wraps `strategy` so that each `clip(grads)` call measures the norms, applies the strategy,
 * reads `preClipNorm` and the readback back in one `data()` call, and advances the state with
 * `next`. Inputs are never disposed; every returned tensor is new (aliases are cloned).
 */
export function createClipper<S>(strategy: ClipStrategy<S>, options: ClipperOptions = {}): Clipper<S> {
  let state: S | undefined;
  let step = 0;
  function clipWith(grads: NamedTensorMap, names: readonly string[], v: readonly Tensor[]): ClipResult {
    const list = names.map((n) => grads[n] as Tensor);
    state ??= strategy.init(v);
    const current = state;
    const { out, keys, packed } = tf.tidy(() => {
      const ctx = createClipContext(list, { normType: options.normType, step, vars: v, names });
      const res = strategy.apply(list, current, ctx);
      const ks = Object.keys(res.readback).sort();
      const scalars: Scalar[] = [ctx.totalNorm, ...ks.map((k) => res.readback[k] as Scalar)];
      const clipped = res.grads.map((g, i) => (g === list[i] ? tf.clone(g) : g));
      return { out: clipped, keys: ks, packed: tf.stack(scalars.map((s) => tf.reshape(s, []))) };
    });
    const values = packed.dataSync();
    packed.dispose();
    const numbers: Record<string, number> = { preClipNorm: values[0] ?? Number.NaN };
    keys.forEach((k, i) => (numbers[k] = values[i + 1] ?? Number.NaN));
    state = strategy.next(current, numbers);
    step += 1;
    return { grads: Object.fromEntries(names.map((n, i) => [n, out[i] as Tensor])), numbers };
  }
  return {
    clip(grads, vars) {
      const names = Object.keys(grads);
      const found = vars ? { vars, placeholders: [] } : registeredVars(names);
      try {
        return clipWith(grads, names, found.vars);
      } finally {
        tf.dispose(found.placeholders);
      }
    },
    get state() {
      return (state ??= strategy.init([]));
    },
    restore(s, at) {
      state = s;
      if (at !== undefined) step = at;
    },
    get step() {
      return step;
    },
  };
}


/** Options of `ClippingOptimizer`. */
export interface ClippingOptimizerOptions extends ClipperOptions {
  /** Called after each step with the step's numbers (host values; no extra sync). */
  readonly onStep?: (numbers: ClipNumbers, step: number) => void;
}

/**
 * A tfjs optimizer that clips with `strategy` before delegating to `inner`, so that
 * `model.compile({ optimizer: new ClippingOptimizer(tf.train.adam(1e-3), clipByGlobalNorm({ maxNorm: 1 })) })`
 * clips inside `model.fit` (which goes through `minimize` → `applyGradients`). One readback
 * per step; the clipped gradients are disposed after the inner update.
 */
export class ClippingOptimizer<S = unknown> extends DelegatingOptimizer {
  static get className(): string {
    return 'ClippingOptimizer';
  }

  readonly clipper: Clipper<S>;

  constructor(
    inner: Optimizer,
    readonly strategy: ClipStrategy<S>,
    private readonly options: ClippingOptimizerOptions = {},
  ) {
    super(inner);
    this.clipper = createClipper(strategy, options);
  }

  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const map: NamedTensorMap = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map((g) => [g.name, g.tensor]))
      : variableGradients;
    const step = this.clipper.step;
    const { grads, numbers } = this.clipper.clip(map);
    this.inner.applyGradients(grads);
    tf.dispose(Object.values(grads));
    this.incrementIterations();
    this.options.onStep?.(numbers, step);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { inner: this.inner.getClassName(), strategy: this.strategy.kind };
  }
}
