#!/usr/bin/env node
// Where a ladder rung's step goes, plain tfjs loop against gclip, kernel by kernel (issue #22):
// the two loops interleaved step by step as in the ladder (`loops.ts`), every kernel of the
// backend wrapped in a timer that books its time to the loop it ran in. Per loop: the step
// (wall and process CPU, medians), kernel time by kernel (ms and calls per step, means), and
// the rest (JS: tfjs-layers, the tape, gclip's host side, the JSONL write). The clock is the
// process CPU time (`clock=cpu`, the default: other processes on a shared machine do not
// count) or wall time (`clock=wall`). The wrapper costs ~1 µs per kernel (cpu: ~2 µs, two
// getrusage calls), so steps read slower than in the bench.
//   npm run build && node bench/ladder-profile.mjs [rung=mlp-10k] [backend=wasm] [steps=60] [top=14] [clock=cpu]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../dist/runtime/tf.js';
import { initBackend } from '../dist/runtime/backend.js';
import { ladderRung, rungConfig } from '../dist/bench/ladder.js';
import { buildPlan } from '../dist/train/setup.js';
import { train } from '../dist/train/run.js';
import { createJsonlSink } from '../dist/report/sinks/jsonl.js';

const [rungId = 'mlp-10k', backend = 'wasm', stepsArg = '60', topArg = '14', clockArg = 'cpu'] = process.argv.slice(2);
const steps = Number(stepsArg);
const warmup = 5;
await initBackend(backend);
const config = rungConfig(ladderRung(rungId), steps + warmup, backend);
const plan = buildPlan(config);
const books = { plain: new Map(), gclip: new Map() };
let phase = null;
const wrapped = new Set();
/** Wraps every kernel registered for the backend (again after gclip registered its own). */
function wrapKernels() {
  for (const kernel of tf.getKernelsForBackend(tf.getBackend())) {
    if (wrapped.has(kernel)) continue;
    wrapped.add(kernel);
    const inner = kernel.kernelFunc;
    kernel.kernelFunc = function (...args) {
      if (!phase) return inner.apply(this, args);
      const book = books[phase];
      const t0 = clock();
      const out = inner.apply(this, args);
      const s = book.get(kernel.kernelName) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += clock() - t0;
      book.set(kernel.kernelName, s);
      return out;
    };
  }
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const clock = clockArg === 'wall' ? () => performance.now() : cpuMs;
wrapKernels();
const times = { plain: { wall: [], cpu: [] }, gclip: { wall: [], cpu: [] } };
let step = 0;
let resumed = null;
const plainStep = (i) =>
  tf.tidy(() => {
    const { xs, ys } = plan.batch(i);
    plan.optimizer.minimize(() => plan.loss(ys, plan.model.apply(xs, { training: true })), false, plan.vars);
  });
const pairing = {
  name: 'profile',
  open: async () => {},
  write: async () => {
    const [w0, c0] = [performance.now(), cpuMs()];
    const timed = step >= warmup;
    if (resumed && timed) {
      times.gclip.wall.push(w0 - resumed[0]);
      times.gclip.cpu.push(c0 - resumed[1]);
    }
    wrapKernels();
    phase = timed ? 'plain' : null;
    plainStep(step++);
    phase = null;
    const [w1, c1] = [performance.now(), cpuMs()];
    if (timed) {
      times.plain.wall.push(w1 - w0);
      times.plain.cpu.push(c1 - c0);
    }
    phase = step > warmup ? 'gclip' : null;
    resumed = [performance.now(), cpuMs()];
  },
  close: async () => {},
};
const dir = mkdtempSync(join(tmpdir(), 'gclip-profile-'));
try {
  await train(config, { backend, runDir: dir, sinks: [createJsonlSink(dir), pairing] });
} finally {
  phase = null;
  plan.dispose();
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const top = Number(topArg);
console.log(`${rungId} on ${tf.getBackend()}, ${steps} interleaved steps, ms per step (kernels in ${clockArg === 'wall' ? 'wall' : 'process CPU'} time)`);
for (const side of ['plain', 'gclip']) {
  const n = times[side].wall.length;
  const rows = [...books[side]].map(([name, s]) => ({ name, calls: s.calls / n, ms: s.ms / n })).sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((t, r) => t + r.ms, 0);
  const calls = rows.reduce((t, r) => t + r.calls, 0);
  const mean = times[side][clockArg === 'wall' ? 'wall' : 'cpu'].reduce((t, x) => t + x, 0) / n;
  console.log(`\n${side}: wall median ${median(times[side].wall).toFixed(3)}, cpu median ${median(times[side].cpu).toFixed(3)}; ${clockArg} mean ${mean.toFixed(3)}: kernels ${kernelMs.toFixed(3)} in ${calls.toFixed(0)} calls, rest ${(mean - kernelMs).toFixed(3)}`);
  console.log('  ' + 'kernel'.padEnd(28) + 'calls'.padStart(7) + 'ms'.padStart(9));
  for (const r of rows.slice(0, top)) console.log('  ' + r.name.padEnd(28) + r.calls.toFixed(1).padStart(7) + r.ms.toFixed(3).padStart(9));
}
