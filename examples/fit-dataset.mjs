// model.fitDataset with gclip's monitor: the same two lines as with fit.
// Usage: node examples/fit-dataset.mjs [run-dir]
import * as tf from '@tensorflow/tfjs';
import { monitor } from 'gclip';

// Adaptive clipping (ZClip: clip only a norm that is an outlier against its running mean and
// spread), skip a step whose loss or gradients are NaN instead of halting. Seeded initialisers
// make the run, and so the `gclip check` verdict on it, reproducible.
const run = monitor({
  clip: { kind: 'zclip' },
  detect: { nonfinite: { action: 'skip' } },
  out: process.argv[2] ?? 'runs/example-fit-dataset',
});

const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 16, inputShape: [4], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
model.compile({ optimizer: run.optimizer(tf.train.sgd(0.05)), loss: 'meanSquaredError' });

// A generator of (x, y) pairs, batched by tf.data.
function* samples() {
  for (let i = 0; i < 200; i++) {
    const x = [Math.sin(i), Math.cos(i), (i % 7) / 7, 1];
    yield { xs: tf.tensor1d(x), ys: tf.tensor1d([x[0] * 2 - x[2]]) };
  }
}
const dataset = tf.data.generator(samples).batch(20);
await model.fitDataset(dataset, { epochs: 2, callbacks: [run.callback()], verbose: 0 });

const summary = await run.close();
console.log(`${summary.steps} steps, ${summary.status}, ${summary.skippedSteps} skipped; log in ${summary.runDir}`);
