#!/usr/bin/env node
// The floor the backend's matrix product sets under each MLP rung of the size ladder (issue
// #22): the eight products of one training step (forward x·W per layer, weight gradients
// xᵀ·dy, input gradients dy·Wᵀ but the first layer's), each as `tf.matMul` runs it through
// gclip's BatchMatMul on wasm, timed alone in process CPU time (medians; other processes on
// a shared machine do not count, and the product runs on one thread). Two figures per product:
// - cached: the same `b` every call, so XNNPACK reuses the operator it packed `b` into;
// - fresh: a new `b` tensor every call (made outside the timing), as in training, where the
//   weights and output gradients are new tensors each step and XNNPACK packs `b` again.
// Per rung: the sum (ms), FLOPs over it (GFLOPS) — the lower bound for a step whose products
// run on this backend — and the same against the rung's FLOPs from `rungFlops`.
//   npm run build && node bench/ladder-matmul.mjs [backend=wasm] [reps=30]
import { tf } from '../dist/runtime/tf.js';
import { initBackend } from '../dist/runtime/backend.js';
import { LADDER, rungFlops } from '../dist/bench/ladder.js';

const [backend = 'wasm', repsArg = '30'] = process.argv.slice(2);
const reps = Number(repsArg);
await initBackend(backend);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median CPU ms of `run(setup())` (the result read back), the setup untimed. */
function median(setup, run) {
  const t = [];
  for (let i = 0; i < reps + 3; i++) {
    const s = setup();
    const t0 = cpuMs();
    const out = run(s);
    out.dataSync();
    if (i >= 3) t.push(cpuMs() - t0);
    tf.dispose([out, s]);
  }
  return t.sort((a, b) => a - b)[t.length >> 1];
}

for (const rung of LADDER.filter((r) => r.spec.kind === 'mlp')) {
  const widths = [rung.spec.features, ...rung.spec.hidden, 1];
  const B = rung.batch;
  const sum = { cached: 0, fresh: 0 };
  let flops = 0;
  const rows = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [i, o] = [widths[l], widths[l + 1]];
    const x = tf.randomNormal([B, i]);
    const w = tf.randomNormal([i, o]);
    const dy = tf.randomNormal([B, o]);
    const products = [['x·W', x, w, false, false, B * i * o], ['xᵀ·dy', x, dy, true, false, i * B * o]];
    if (l > 0) products.push(['dy·Wᵀ', dy, w, false, true, B * o * i]);
    for (const [name, a, b, ta, tb, macs] of products) {
      const cached = median(() => null, () => tf.matMul(a, b, ta, tb));
      const fresh = median(() => tf.add(b, 0), (b2) => tf.matMul(a, b2, ta, tb));
      flops += 2 * macs;
      sum.cached += cached;
      sum.fresh += fresh;
      rows.push(`  ${`${name} [${a.shape}]·[${b.shape}]`.padEnd(34)} cached ${cached.toFixed(3)} ms  fresh ${fresh.toFixed(3)} ms`);
    }
    tf.dispose([x, w, dy]);
  }
  const gf = (ms) => (flops / ms / 1e6).toFixed(1);
  console.log(`${rung.id}: ${(flops / 1e6).toFixed(1)} MFLOP (rungFlops ${(rungFlops(rung) / 1e6).toFixed(1)}); products cached ${sum.cached.toFixed(3)} ms (${gf(sum.cached)} GFLOPS), fresh b ${sum.fresh.toFixed(3)} ms (${gf(sum.fresh)} GFLOPS)`);
  for (const r of rows) console.log(r);
}
