/** tfjs optimizers from the `train:` block. */
import { tf, type Optimizer } from '../runtime/tf.js';
import type { RunConfig } from '../config/schema.js';

/**
 * sgd: plain SGD. momentum: heavy-ball momentum with `train.momentum`. adam: tfjs
 * defaults (β1 0.9, β2 0.999, ε 1e-7; PyTorch uses ε 1e-8). rmsprop: decay 0.9, no
 * momentum (PyTorch's default), ε 1e-7 (PyTorch 1e-8).
 */
export function createOptimizer(train: RunConfig['train']): Optimizer {
  switch (train.optimizer) {
    case 'sgd':
      return tf.train.sgd(train.lr);
    case 'momentum':
      return tf.train.momentum(train.lr, train.momentum);
    case 'adam':
      return tf.train.adam(train.lr);
    case 'rmsprop':
      return tf.train.rmsprop(train.lr, 0.9, 0, 1e-7);
  }
}
