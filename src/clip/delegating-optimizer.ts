/**
 * The base of gclip's tfjs optimizers that wrap another (`ClippingOptimizer`, the monitor's):
 * the inner optimizer owns the state, so weights and disposal go to it.
 */
import { tf, type Optimizer, type Tensor } from '../runtime/tf.js';

/** A named tensor as tfjs optimizers take it. */
export type NamedTensor = { name: string; tensor: Tensor };

/** A tfjs optimizer whose state is `inner`'s: `getWeights`, `setWeights` and `dispose` delegate to it. */
export abstract class DelegatingOptimizer extends tf.Optimizer {
  constructor(readonly inner: Optimizer) {
    super();
  }

  override dispose(): void {
    this.inner.dispose();
    super.dispose();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    return this.inner.setWeights(weightValues);
  }
}
