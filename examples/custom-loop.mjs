// A custom training loop with gclip's monitor: run.step takes the gradients and the loss,
// returns the clipped gradients and what to do (apply, skip or halt).
// Usage: node examples/custom-loop.mjs [run-dir]
import * as tf from '@tensorflow/tfjs';
import { monitor } from 'gclip';

const run = monitor({ clip: { kind: 'norm', maxNorm: 2 }, out: process.argv[2] ?? 'runs/example-custom-loop' });

const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 8, inputShape: [3], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
const optimizer = tf.train.adam(1e-2);
const xs = tf.randomUniform([64, 3], -1, 1, 'float32', 3);
const ys = xs.matMul(tf.tensor2d([[1], [-2], [0.5]]));

for (let step = 0; step < 50; step++) {
  // Loss and gradients of the trainable weights, as in any tfjs custom loop.
  const { value, grads } = optimizer.computeGradients(() => tf.losses.meanSquaredError(ys, model.predict(xs)));
  const out = run.step({ grads, loss: value, lr: 1e-2 });
  if (out.decision === 'apply') optimizer.applyGradients(out.grads);
  tf.dispose([value, grads, out.grads]);
  if (out.decision === 'halt') {
    console.log(`halted: ${out.reason}`);
    break;
  }
}

const summary = await run.close();
console.log(`${summary.steps} steps, ${summary.status}; final loss ${summary.finalLoss?.toFixed(4)}; log in ${summary.runDir}`);
