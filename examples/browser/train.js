/* global document, window, location, URLSearchParams */
// Trains a small model with model.fit in the page, twice: a clean run, and a run whose
// fourth batch holds a NaN, which the monitor stops. Results are left on `window.gclipResult`
// for the test that drives this page (test/browser/monitor.test.ts).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { monitor } from 'gclip/browser';

const backend = new URLSearchParams(location.search).get('backend') ?? 'webgl';
setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/');
await tf.setBackend(backend);
await tf.ready();

// 64 rows of a fixed function (no randomness), seeded weights: every backend sees the same run.
function data(nanRow) {
  const x = [], y = [];
  for (let i = 0; i < 64; i++) {
    const row = [0, 1, 2, 3].map((j) => Math.sin(i * 1.7 + j * 0.9) * (j + 1));
    if (i === nanRow) row[0] = NaN;
    x.push(row);
    y.push([row[0] * 0.5 - row[1] * 0.25 + row[3] * 2 + Math.cos(i)]);
  }
  return { xs: tf.tensor2d(x), ys: tf.tensor2d(y) };
}

function model() {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'tanh', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  m.add(tf.layers.dense({ units: 1, name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return m;
}

async function train(nanRow, showChart) {
  // The two-line change: the monitor wraps the optimizer and rides along as a callback.
  const run = monitor({ clip: { kind: 'norm', maxNorm: 10 } });
  const m = model();
  m.compile({ optimizer: run.optimizer(tf.train.sgd(0.05)), loss: 'meanSquaredError' });
  if (showChart) document.getElementById('chart').append(run.chart());
  const { xs, ys } = data(nanRow);
  await m.fit(xs, ys, { batchSize: 8, epochs: 2, shuffle: false, callbacks: [run.callback()] });
  tf.dispose([xs, ys]);
  m.dispose();
  return run;
}

const clean = await train(-1, true);
const planted = await train(3 * 8 + 5, false);
const summary = await clean.close();
const halted = await planted.close();
const button = document.getElementById('download');
button.onclick = () => clean.download('steps.jsonl');
button.disabled = false;
document.getElementById('status').textContent = `${summary.steps} steps, ${summary.status}; planted NaN: ${halted.status} (${halted.reason})`;
window.gclipResult = { backend: tf.getBackend(), clean: clean.jsonl(), planted: planted.jsonl(), summary, halted, numTensors: tf.memory().numTensors };
