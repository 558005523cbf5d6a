#!/usr/bin/env node
// Whether gclip's fused Adam (or another fused rule) pays on wasm at every size (issue #22's
// size ladder): process CPU ms of one update, tfjs's own `applyGradients` (Adam: 14 SIMD kernels per variable) against
// gclip's fused host kernel (one pass of src/runtime/kernels/wasm-rules.ts's WebAssembly
// function on the backend's memory, bit for bit tfjs's result), for a model of
// `vars` variables of `n` elements each, and for the mlp-1m rung's variables. The two sides
// alternate update by update; medians after 5 warm-up updates.
//   npm run build && node bench/fused-adam-size.mjs [optimizer=adam|sgd|momentum|nesterov|rmsprop|rmsprop-centered] [--rung-only]
import { initBackend } from '../dist/runtime/backend.js';
import { createApplyGradients } from '../dist/runtime/kernels/optimizer-update.js';
import { tf } from '../dist/runtime/tf.js';

const OPTIMIZERS = {
  adam: () => tf.train.adam(1e-3),
  sgd: () => tf.train.sgd(1e-3),
  momentum: () => tf.train.momentum(1e-3, 0.9),
  nesterov: () => tf.train.momentum(1e-3, 0.9, true),
  rmsprop: () => tf.train.rmsprop(1e-3, 0.9, 0.5),
  'rmsprop-centered': () => tf.train.rmsprop(1e-3, 0.9, 0.5, 1e-7, true),
};
const [which = 'adam', only] = process.argv.slice(2);
const makeOptimizer = OPTIMIZERS[which];
if (!makeOptimizer) throw new Error(`optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}`);
const UPDATES = 40;
const WARMUP = 5;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function compare(label, shapes) {
  let id = 0;
  const make = () => shapes.map((s) => tf.variable(tf.randomNormal(s), true, `${label}_${id++}`));
  const grads = shapes.map((s) => tf.randomNormal(s));
  const [plainVars, fusedVars] = [make(), make()];
  const [plain, fusedOpt] = [makeOptimizer(), makeOptimizer()];
  const fused = createApplyGradients(fusedOpt, fusedVars);
  const t = { plain: [], fused: [] };
  for (let i = 0; i < UPDATES; i++) {
    let c = cpu();
    plain.applyGradients(Object.fromEntries(plainVars.map((v, j) => [v.name, grads[j]])));
    t.plain.push(cpu() - c);
    c = cpu();
    fused(grads);
    t.fused.push(cpu() - c);
  }
  const [p, f] = [median(t.plain.slice(WARMUP)), median(t.fused.slice(WARMUP))];
  const params = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  console.log(`| ${label} | ${params.toLocaleString('en-US')} | ${p.toFixed(3)} | ${f.toFixed(3)} | ${(f / p).toFixed(2)}× |`);
  tf.dispose([...plainVars, ...fusedVars, ...grads]);
  plain.dispose();
  fusedOpt.dispose();
}

await initBackend('wasm');
console.log(`| variables | parameters | tfjs ${which}, CPU ms | fused, CPU ms | fused / tfjs |\n|---|---|---|---|---|`);
if (only !== '--rung-only') for (const n of [1_000, 10_000, 30_000, 100_000, 1_000_000]) compare(`6 × ${n.toLocaleString('en-US')}`, Array.from({ length: 6 }, () => [n]));
compare('mlp-1m rung', [[512, 1024], [1024], [1024, 512], [512], [512, 1], [1]]);
