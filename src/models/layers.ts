/**
 * Layer helpers shared by the built-in architectures: the input adapters and the zero
 * construction-time initialisers (real weights are set from the PRNG afterwards).
 */
import { inputError } from '../errors.js';
import { tf, type LayersModel } from '../runtime/tf.js';

/** Shape of one input sample and the width of the output (logits for classification). */
export interface ModelIO {
  readonly inputShape: readonly number[];
  readonly outputDim: number;
}

/** A tfjs layer. */
export type Layer = LayersModel['layers'][number];

/**
 * Construction-time initialisers for every built-in layer: zeros are cheap and draw
 * nothing from the backend's RNG; `initModelWeights` sets the real values afterwards.
 */
export const zeroInit = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

/** Layer options that make a recurrent layer construct with zero weights. */
export const zeroRecurrentInit = { ...zeroInit, recurrentInitializer: 'zeros' } as const;

/** Reads tabular features `[features]` as a sequence of scalars `[features, 1]`. */
function asSequence(features: number): Layer {
  return tf.layers.reshape({ name: 'reshape', targetShape: [features, 1], inputShape: [features] });
}

/**
 * Adapter layers that bring a sample of `inputShape` to a rank the body accepts, with
 * stable names: `flatten` when the body wants rank 1 and the input is higher; `reshape`
 * ([f] → [f, 1]) when it wants sequences and gets tabular features; none otherwise.
 * `accepted` lists the ranks the body takes besides 1. Throws `model_input_mismatch`
 * (exit 2) for any other rank, naming `kind`.
 */
export function inputLayers(inputShape: readonly number[], kind: string, accepted: readonly number[] = []): Layer[] {
  const rank = inputShape.length;
  if (accepted.length === 0) return rank > 1 ? [tf.layers.flatten({ name: 'flatten', inputShape: [...inputShape] })] : [];
  if (accepted.includes(rank)) return [];
  if (rank === 1) return [asSequence(inputShape[0]!)];
  throw inputError('model_input_mismatch', {
    path: 'model.kind',
    message: `a ${kind} model needs inputs of rank ${accepted.join(' or ')} (or tabular features), received shape [${inputShape.join(', ')}]`,
    hint: 'Use an mlp model for this data, or data with sequence inputs (kind: adding).',
  });
}

/** Options for the first body layer: `inputShape`, unless an adapter layer already took it. */
export function withInput(adapters: Layer[], inputShape: readonly number[]): { inputShape?: number[] } {
  return adapters.length === 0 ? { inputShape: [...inputShape] } : {};
}
