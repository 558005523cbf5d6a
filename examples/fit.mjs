// model.fit with gclip's monitor: per-step gradient norms, clipping, NaN/explosion
// detection and a run directory that `gclip report` and `gclip check --log` read.
// Usage: node examples/fit.mjs [run-dir]   (npm run build first when running from the repo)
import * as tf from '@tensorflow/tfjs';
import { monitor } from 'gclip';

// Clip the global gradient norm at 5; write steps.jsonl and summary.json to the run directory.
const run = monitor({ clip: { kind: 'norm', maxNorm: 5 }, out: process.argv[2] ?? 'runs/example-fit' });

const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 16, inputShape: [4], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
// The two-line change: wrap the optimizer...
model.compile({ optimizer: run.optimizer(tf.train.adam(1e-2)), loss: 'meanSquaredError' });

const xs = tf.randomNormal([256, 4], 0, 1, 'float32', 1);
const ys = xs.sum(1, true).add(tf.randomNormal([256, 1], 0, 0.1, 'float32', 2));
// ...and pass the callback (it stops fit if a detector halts the run).
await model.fit(xs, ys, { epochs: 3, batchSize: 32, callbacks: [run.callback()], verbose: 0 });

const summary = await run.close();
console.log(`${summary.steps} steps, ${summary.status}; median pre-clip norm ${summary.preClipNorm.median?.toFixed(3)}; clip rate ${summary.clipRate}`);
console.log(`log: ${summary.runDir} (try: gclip report ${summary.runDir})`);
