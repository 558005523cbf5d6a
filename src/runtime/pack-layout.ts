/**
 * The layout of a training step's single readback vector, in one object: the offsets
 * (computed once per layout), the two encoders — the op path's list of parts for
 * `packParts`, a fused kernel's direct writes — and the decoder (`StepNumbers`).
 *
 * Order: `[loss, pre, preLayer×L, post, postLayer×L, weightsSum, val?, readback×R, histograms…]`
 * where `pre`/`post` are the total pre-/post-clip norms, R the strategy's readback keys
 * (sorted) and the histograms each layer's flattened pre-clip gradients (histogram steps).
 * A step whose update is proposed before the readback (src/train/update-proposal.ts) has the
 * update section appended after `size`: `[update, updateLayer×L, updateRatio×L]`
 * (`updateSectionSize(L)` entries; see `UPDATE_SECTION`).
 */
import type { Scalar, Tensor } from './tf.js';
import type { PackPart } from './kernels/pack.js';

/** The tensors of one step, for the op path's encoder (`PackLayout.parts`). */
export interface PackTensors {
  readonly loss: Tensor;
  /** `[pre, preLayer×L]`. */
  readonly pre: PackPart;
  /** `[post, postLayer×L]` (a scaled part: pre × coef). */
  readonly post: PackPart;
  readonly weightsSum: Tensor;
  /** The validation loss; present iff the layout has one. */
  readonly val: Tensor | null;
  /** Every key of `readbackKeys`. */
  readonly readback: Readonly<Record<string, Scalar>>;
  /** Appended as they are, in order (flattened by the pack): histogram steps only. */
  readonly histograms: readonly Tensor[];
}

/** The numbers of one step, for a host kernel's encoder (`PackLayout.write`). */
export interface PackNumbers {
  readonly loss: number;
  /** `[pre, preLayer×L]`. */
  readonly summary: ArrayLike<number>;
  /** The post-clip norms are `summary × scale` (a uniform clip's coefficient). */
  readonly scale: number;
  readonly weightsSum: number;
  /** Values in `readbackKeys` order. */
  readonly readback: ArrayLike<number>;
}

/** Where each quantity sits in the packed readback vector; built by `PackLayout.of`. */
export class PackLayout {
  /** Index of the total post-clip norm (its L layer norms follow). */
  readonly post: number;
  readonly weightsSum: number;
  /** Index of the validation loss, or −1. */
  readonly val: number;
  /** Index of the first readback value. */
  readonly readback: number;
  /** Index of the first histogram value. */
  readonly histograms: number;
  /** Entries in the vector. */
  readonly size: number;

  private constructor(
    /** Layer count L. */
    readonly layers: number,
    /** Strategy readback keys, in the order packed. */
    readonly readbackKeys: readonly string[],
    readonly hasVal: boolean,
    /** Values per layer of the flattened pre-clip gradients appended at the end (histogram steps), else []. */
    readonly histogramSizes: readonly number[],
  ) {
    this.post = PRE + 1 + layers;
    this.weightsSum = this.post + 1 + layers;
    let i = this.weightsSum + 1;
    this.val = hasVal ? i++ : -1;
    this.readback = i;
    this.histograms = i + readbackKeys.length;
    this.size = histogramSizes.reduce((n, s) => n + s, this.histograms);
  }

  /** The layout of these parts; shared (it is immutable) except on histogram steps. */
  static of(layers: number, readbackKeys: readonly string[], hasVal: boolean, histogramSizes: readonly number[] = []): PackLayout {
    if (histogramSizes.length > 0) return new PackLayout(layers, readbackKeys, hasVal, histogramSizes);
    const key = `${layers}${hasVal ? '+' : '-'}${JSON.stringify(readbackKeys)}`;
    let layout = shared.get(key);
    if (layout === undefined) {
      // A plugin could invent new keys every step; never let the cache grow without bound.
      if (shared.size >= MAX_SHARED) shared.clear();
      layout = new PackLayout(layers, [...readbackKeys], hasVal, []);
      shared.set(key, layout);
    }
    return layout;
  }

  /** The op path's encoder: the parts `packParts` concatenates into this layout. */
  parts(t: PackTensors): PackPart[] {
    const parts: PackPart[] = [t.loss, t.pre, t.post, t.weightsSum];
    if (this.hasVal) parts.push(t.val!);
    for (const key of this.readbackKeys) parts.push(t.readback[key]!);
    for (const h of t.histograms) parts.push(h);
    return parts;
  }

  /**
   * A host kernel's encoder: writes `n` into `v` (`size` entries; layouts without a
   * validation loss or histograms). Each post-clip norm is the float64 product of two
   * float32 values rounded once on store: IEEE float32 multiplication, as the pack does.
   */
  write(v: Float32Array, n: PackNumbers): void {
    v[LOSS] = n.loss;
    const post = this.post;
    for (let i = 0; i <= this.layers; i++) {
      v[PRE + i] = n.summary[i]!;
      v[post + i] = n.summary[i]! * n.scale;
    }
    v[this.weightsSum] = n.weightsSum;
    for (let k = 0; k < this.readbackKeys.length; k++) v[this.readback + k] = n.readback[k]!;
  }

  /** The decoder: the numbers of the packed vector `values`. */
  decode(values: Float32Array): StepNumbers {
    return new StepNumbers(values, this);
  }
}

const LOSS = 0;
const PRE = 1;

/**
 * Offsets inside the update section: the global update 2-norm ‖Δw‖ at 0, the L per-layer
 * norms from `norms`, then the L per-layer ratios ‖Δw_l‖/‖w_l‖ (weights before the update).
 */
export const UPDATE_SECTION = { norm: 0, norms: 1 } as const;

/** Entries of the update section for `layers` layers. */
export function updateSectionSize(layers: number): number {
  return 1 + 2 * layers;
}
const MAX_SHARED = 64;
const shared = new Map<string, PackLayout>();

/**
 * The numbers of one step, decoded from the packed readback without copying: per-layer
 * norms are read from `values` at `preLayersAt` / `postLayersAt` (L each); `preLayers` and
 * `postLayers` are copies made on demand.
 */
export class StepNumbers {
  readonly loss: number;
  readonly preClipNorm: number;
  /** Index in `values` of the first of the L pre-clip layer norms. */
  readonly preLayersAt = PRE + 1;
  readonly postClipNorm: number;
  /** Index in `values` of the first of the L post-clip layer norms. */
  readonly postLayersAt: number;
  readonly weightsFinite: boolean;
  readonly valLoss: number | null;
  /**
   * What `strategy.next` receives: `preClipNorm`, then every strategy readback key in packed
   * order (the same keys, order and values as `{ preClipNorm, ...readback }`).
   */
  readonly measured: Readonly<Record<string, number>>;
  /** Pre-clip gradient values per layer index, on histogram steps only. */
  readonly histograms: readonly Float32Array[];
  /** Index in `values` of the update section (the update norm), or −1 when the step has none. */
  readonly updateAt: number;

  constructor(
    /** The packed readback itself. */
    readonly values: Float32Array,
    readonly layout: PackLayout,
  ) {
    this.loss = values[LOSS]!;
    this.preClipNorm = values[PRE]!;
    this.postClipNorm = values[layout.post]!;
    this.postLayersAt = layout.post + 1;
    this.weightsFinite = Number.isFinite(values[layout.weightsSum]!);
    this.valLoss = layout.hasVal ? values[layout.val]! : null;
    const measured: Record<string, number> = { preClipNorm: this.preClipNorm };
    const keys = layout.readbackKeys;
    for (let k = 0; k < keys.length; k++) measured[keys[k]!] = values[layout.readback + k]!;
    this.measured = measured;
    this.histograms = histogramsOf(values, layout);
    this.updateAt = values.length === layout.size + updateSectionSize(layout.layers) ? layout.size : -1;
  }

  /** Per-layer pre-clip norms (a copy). */
  get preLayers(): Float32Array {
    return this.values.slice(this.preLayersAt, this.preLayersAt + this.layout.layers);
  }

  /** Per-layer post-clip norms (a copy). */
  get postLayers(): Float32Array {
    return this.values.slice(this.postLayersAt, this.postLayersAt + this.layout.layers);
  }
}

const NO_HISTOGRAMS: readonly Float32Array[] = [];

function histogramsOf(values: Float32Array, layout: PackLayout): readonly Float32Array[] {
  const sizes = layout.histogramSizes;
  if (sizes.length === 0) return NO_HISTOGRAMS;
  const h: Float32Array[] = [];
  let i = layout.histograms;
  for (let k = 0; k < sizes.length; k++) h.push(values.subarray(i, (i += sizes[k]!)));
  return h;
}
