#!/usr/bin/env node
// Where a plain tfjs training step spends its time, kernel by kernel: the bench model's
// hand-written `optimizer.minimize` step (src/bench/cases.ts), with every kernel of the
// backend wrapped in a timer. Used to find the wasm kernels gclip replaces
// (docs/benchmarks.md, "Kernels"). The wrapper costs ~1 µs per kernel, so the step time
// printed here is above the bench's; kernels built from other kernels (an im2col from
// StridedSlice and Concat, say) count their inner kernels twice.
//   npm run build && node bench/kernel-profile.mjs [model=cnn] [backend=wasm] [steps=40]
import { tf } from '../dist/runtime/tf.js';
import { initBackend } from '../dist/runtime/backend.js';
import { benchCase, benchConfig } from '../dist/bench/cases.js';
import { buildPlan } from '../dist/train/setup.js';

const [model = 'cnn', backend = 'wasm', stepsArg = '40'] = process.argv.slice(2);
const steps = Number(stepsArg);
await initBackend(backend);
const plan = buildPlan(benchConfig(benchCase(model), steps + 10, backend));
const stats = new Map();
let timing = false;
for (const kernel of tf.getKernelsForBackend(tf.getBackend())) {
  const inner = kernel.kernelFunc;
  kernel.kernelFunc = function (...args) {
    if (!timing) return inner.apply(this, args);
    const t0 = performance.now();
    const out = inner.apply(this, args);
    const s = stats.get(kernel.kernelName) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += performance.now() - t0;
    stats.set(kernel.kernelName, s);
    return out;
  };
}
const step = (i) =>
  tf.tidy(() => {
    const { xs, ys } = plan.batch(i);
    plan.optimizer.minimize(() => plan.loss(ys, plan.model.apply(xs, { training: true })), false, plan.vars);
  });
for (let i = 0; i < 10; i++) step(i);
timing = true;
const started = performance.now();
for (let i = 10; i < 10 + steps; i++) step(i);
const stepMs = (performance.now() - started) / steps;
timing = false;
const rows = [...stats].map(([name, s]) => ({ name, calls: s.calls / steps, ms: s.ms / steps })).sort((a, b) => b.ms - a.ms);
const calls = rows.reduce((n, r) => n + r.calls, 0);
console.log(`${model} on ${tf.getBackend()}: ${stepMs.toFixed(2)} ms per step, ${calls} kernels per step`);
console.log('kernel'.padEnd(30) + 'calls/step'.padStart(11) + 'ms/step'.padStart(10));
for (const r of rows.slice(0, 20)) console.log(r.name.padEnd(30) + String(r.calls).padStart(11) + r.ms.toFixed(3).padStart(10));
plan.dispose();
