/**
 * The norms a training step logs: from one host kernel on wasm/cpu
 * (`runtime/kernels/step-norms.ts`), from the op kernels of `norms.ts` elsewhere.
 */
import { tf, type Tensor } from '../runtime/tf.js';
import { hostStepNorms, type StepNorms } from '../runtime/kernels/step-norms.js';
import { layerNorms, measureNorms, normOrderValue, type NormOrder } from './norms.js';

export { STEP_NORMS_KERNEL, type StepNorms } from '../runtime/kernels/step-norms.js';

function opsFallback(grads: readonly Tensor[], weights: readonly Tensor[], groups: readonly (readonly number[])[], normType: NormOrder): StepNorms {
  return tf.tidy(() => {
    const { tensorNorms, totalNorm } = measureNorms(grads, normType);
    const summary = tf.concat([tf.reshape(totalNorm, [1]), layerNorms(tensorNorms, groups, normType)]) as tf.Tensor1D;
    const weightsSum = (weights.length ? tf.reshape(tf.addN(weights.map((w) => tf.sum(w))), [1]) : tf.zeros([1])) as tf.Tensor1D;
    return { tensorNorms, totalNorm, summary, weightsSum };
  });
}

/**
 * The norms a step logs, from one kernel where the backend keeps data in host memory.
 *
 * Formula (as `measureNorms` and `layerNorms`): `n_j = ‖g_j‖_p`, `N = ‖(n_j)‖_p`, group
 * norms `L_i = ‖(n_j, j ∈ groups[i])‖_p`; plus `Σ weights` as a finiteness checksum.
 * Differs from the op kernels only in rounding: sums accumulate in float64 and are rounded
 * to float32 once (float32 overflow of single squares and of the sum is kept). NaN/inf
 * propagate as there. `normType` must be ≥ 1 or 'inf'. No host sync: on wasm/cpu the
 * kernel reads memory that is already on the host.
 * @returns new tensors owned by the caller; inputs are neither disposed nor changed.
 */
export function stepNorms(
  grads: readonly Tensor[],
  weights: readonly Tensor[],
  groups: readonly (readonly number[])[],
  normType: NormOrder,
): StepNorms {
  return hostStepNorms(grads, weights, groups, normOrderValue(normType)) ?? opsFallback(grads, weights, groups, normType);
}
