/**
 * Packs a step's tensors into the one float32 vector the loop reads back: a single kernel
 * dispatch on wasm and cpu (which keep data in host memory) instead of a reshape per
 * scalar plus a concat; `tf.concat` of flattened tensors elsewhere.
 *
 * A part may be a product `tensor × by` with a one-element `by` (the post-clip norms of a
 * uniformly scaling strategy: pre-clip norms × coef). The kernel multiplies while it packs,
 * which saves the `mul` dispatch (issue #9); each entry is the float64 product of two
 * float32 values (exact) rounded once to float32 on store, i.e. IEEE float32 multiplication,
 * bit for bit what `tf.mul` gives.
 */
import { ensureHostKernel, hostKernel } from './host-io.js';
import { tf, type Tensor } from '../tf.js';

/** The kernel's registry name. */
export const PACK_KERNEL = 'GclipPack';

/** A part packed as `tf.mul(tensor, by)`, for a one-element `by`. */
export interface ScaledPart {
  readonly tensor: Tensor;
  readonly by: Tensor;
}

/** What `packParts` takes: a tensor, or a tensor times a one-element tensor. */
export type PackPart = Tensor | ScaledPart;

function isScaled(part: PackPart): part is ScaledPart {
  return (part as ScaledPart).by !== undefined && (part as ScaledPart).tensor !== undefined;
}

interface PackAttrs {
  /** Per part: the input index of its one-element multiplier, or −1. */
  readonly scaleBy: number[];
}

const packConfig = hostKernel<Partial<PackAttrs>>(PACK_KERNEL, (all, attrs, io) => {
  const scaleBy = attrs.scaleBy ?? [];
  const count = scaleBy.length > 0 ? scaleBy.length : all.length;
  let total = 0;
  for (let p = 0; p < count; p++) total += all[p]!.shape.reduce((n, d) => n * d, 1);
  // Allocate before taking views: a wasm heap growth detaches views taken earlier.
  const out = io.alloc([total]);
  const values = io.view(out);
  let offset = 0;
  for (let p = 0; p < count; p++) {
    const v = io.read(all[p]!);
    const by = scaleBy[p] ?? -1;
    if (by < 0) {
      values.set(v, offset);
    } else {
      const c = io.read(all[by]!)[0]!;
      for (let j = 0; j < v.length; j++) values[offset + j] = v[j]! * c;
    }
    offset += v.length;
  }
  return out;
});

const flat = (t: Tensor): Tensor => tf.reshape(t, [-1]);

/**
 * The entries of `parts`, each flattened in row-major order, one after the other: the same
 * vector as `tf.concat(parts.map((t) => t.reshape([-1])))`, a scaled part counting as
 * `tf.mul(tensor, by)`. Every tensor must be float32.
 * @returns a new [Σ size] tensor owned by the caller; the parts are not disposed.
 */
export function packParts(parts: readonly PackPart[]): tf.Tensor1D {
  if (parts.length === 0) return tf.tensor1d([]);
  const fused =
    ensureHostKernel(PACK_KERNEL, packConfig) &&
    parts.every((p) => (isScaled(p) ? p.tensor.dtype === 'float32' && p.by.dtype === 'float32' && p.by.size === 1 : p.dtype === 'float32'));
  if (!fused) {
    return tf.tidy(() => tf.concat(parts.map((p) => flat(isScaled(p) ? tf.mul(p.tensor, p.by) : p))) as tf.Tensor1D);
  }
  const inputs: tf.NamedTensorMap = {};
  const scaleBy: number[] = [];
  let extra = parts.length;
  parts.forEach((p, i) => {
    if (isScaled(p)) {
      inputs[`t${i}`] = p.tensor;
      inputs[`t${extra}`] = p.by;
      scaleBy.push(extra++);
    } else {
      inputs[`t${i}`] = p;
      scaleBy.push(-1);
    }
  });
  const attrs: PackAttrs = { scaleBy };
  return tf.engine().runKernel(PACK_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}
