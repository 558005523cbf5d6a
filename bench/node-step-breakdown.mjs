#!/usr/bin/env node
// Where gclip's step spends its time on a backend without host kernels (tfjs-node), piece by
// piece, against the plain loop (issue #22). For a ladder rung, one process times, step by
// step and round-robin (so that load spreads over every variant alike):
//   plain       the bench's hand-written loop: optimizer.minimize, no clip, no readback;
//   grads       forward + backward only (tf.variableGrads);
//   +norms      … + the step's pre-clip norms (`stepNorms`: per-variable, total, per layer);
//   +clip       … + the global-norm clip and the pack (`clipAndPack`, gclip's own);
//   +update     … + the optimizer's update (applyGradients, no telemetry);
//   +telemetry  … + the update proposal instead (snapshot, update, update norms; on the
//               host update path this includes the readback, where the update is computed);
//   +readback   … + the one awaited data() of the packed vector;
//   train()     gclip's whole step (loop, detectors, policy, JSONL) from `timeInterleaved`.
// Per variant: median wall ms and process CPU ms per step, and kernel dispatches per step.
//   npm run build && node bench/node-step-breakdown.mjs [rung=mlp-10k] [backend=node] [steps=40]
// Then: tiny op (1-element add) µs, and one matmul at each dense layer's size, µs (steps=0:
// only these; run under TF_NUM_INTRAOP_THREADS=1 or TF_ENABLE_ONEDNN_OPTS=0 to compare).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ladderRung, rungConfig } from '../dist/bench/ladder.js';
import { timeInterleaved } from '../dist/bench/loops.js';
import { resolveStrategy } from '../dist/clip/plugin.js';
import { stepNorms } from '../dist/clip/step-norms.js';
import { initBackend } from '../dist/runtime/backend.js';
import { tf } from '../dist/runtime/tf.js';
import { buildPlan } from '../dist/train/setup.js';
import { clipAndPack } from '../dist/train/step.js';
import { createApplyGradients } from '../dist/runtime/kernels/optimizer-update.js';
import { createUpdateProposer } from '../dist/train/update-proposal.js';

const [rungId = 'mlp-10k', backend = 'node', stepsArg = '40'] = process.argv.slice(2);
const steps = Number(stepsArg);
const WARMUP = 5;
await initBackend(backend);
const rung = ladderRung(rungId);
if (!rung) throw new Error(`unknown rung ${rungId}`);
const config = rungConfig(rung, steps + WARMUP + 2, backend);

let dispatches = 0;
for (const kernel of tf.getKernelsForBackend(tf.getBackend())) {
  const inner = kernel.kernelFunc;
  kernel.kernelFunc = function (...args) {
    dispatches++;
    return inner.apply(this, args);
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const LEVELS = ['grads', '+norms', '+clip', '+update', '+telemetry', '+readback'];
const strategy = await resolveStrategy(config.clip, { cwd: process.cwd() });
const normType = config.clip.normType ?? 2;

/** One plan per variant (each keeps its own weights and optimizer moving). */
function variant(level) {
  const plan = buildPlan(config);
  const depth = LEVELS.indexOf(level);
  const apply = createApplyGradients(plan.optimizer, plan.vars);
  const propose = createUpdateProposer(plan, strategy);
  let state = strategy.init(plan.vars);
  let step = 0;
  return async () => {
    const s = step++;
    const out = tf.tidy(() => {
      const { xs, ys } = plan.batch(s);
      const { value, grads: named } = tf.variableGrads(() => plan.loss(ys, plan.model.apply(xs, { training: true })), plan.vars);
      const grads = plan.vars.map((v) => named[v.name]);
      if (depth === 0) return { grads, packed: value };
      if (depth === 1) {
        const n = stepNorms(grads, plan.vars, plan.groups, normType);
        return { grads, packed: tf.concat([n.summary, n.weightsSum]) };
      }
      const r = clipAndPack(plan, strategy, state, { step: s, normType, evaluate: false }, { loss: value, grads }, () => null);
      return { grads: r.grads, packed: r.packed };
    });
    if (depth === 3) apply(out.grads);
    let proposal = null;
    if (depth >= 4) proposal = propose(out.grads, out.packed);
    // The host update (tfjs-node) computes the update after the readback, so it reads back here.
    if (depth >= 5 || proposal?.finish) {
      const values = await (proposal?.packed ?? out.packed).data();
      proposal?.finish?.(values);
    }
    proposal?.commit();
    proposal?.packed.dispose();
    tf.dispose([out.packed, ...out.grads]);
  };
}

const variants = [['plain', plainVariant()], ...LEVELS.map((l) => [l, variant(l)])];
function plainVariant() {
  const plan = buildPlan(config);
  let step = 0;
  return async () => {
    const s = step++;
    tf.tidy(() => {
      const { xs, ys } = plan.batch(s);
      plan.optimizer.minimize(() => plan.loss(ys, plan.model.apply(xs, { training: true })), false, plan.vars);
    });
  };
}

const timing = new Map(variants.map(([n]) => [n, { wall: [], cpu: [], kernels: [] }]));
if (steps > 0) await timeSteps();
async function timeSteps() {
for (let i = 0; i < steps + WARMUP; i++) {
  for (const [name, run] of variants) {
    const [w0, c0, k0] = [performance.now(), cpuMs(), dispatches];
    await run();
    if (i < WARMUP) continue;
    const t = timing.get(name);
    t.wall.push(performance.now() - w0);
    t.cpu.push(cpuMs() - c0);
    t.kernels.push(dispatches - k0);
  }
}
const paired = await timeInterleaved(rungConfig(rung, steps + WARMUP, backend), backend, WARMUP);
const countTrain = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-breakdown-'));
  const { train } = await import('../dist/index.js');
  const marks = [];
  const sink = { name: 'count', open: async () => {}, write: async () => void marks.push(dispatches), close: async () => {} };
  await train(rungConfig(rung, 12, backend), { backend, runDir: dir, sinks: [sink] });
  rmSync(dir, { recursive: true, force: true });
  return (marks[11] - marks[6]) / 5;
};
const trainKernels = await countTrain();

console.log(`${rungId} on ${tf.getBackend()}: ms per step, median of ${steps} (after ${WARMUP} warm-up), round-robin`);
console.log('variant'.padEnd(12) + 'wall ms'.padStart(10) + 'CPU ms'.padStart(10) + 'kernels'.padStart(10));
for (const [name] of variants) {
  const t = timing.get(name);
  console.log(name.padEnd(12) + median(t.wall).toFixed(3).padStart(10) + median(t.cpu).toFixed(3).padStart(10) + String(median(t.kernels)).padStart(10));
}
console.log('train()'.padEnd(12) + median(paired.gclipMs).toFixed(3).padStart(10) + median(paired.gclipCpuMs).toFixed(3).padStart(10) + String(trainKernels).padStart(10));
console.log('plain (pair)'.padEnd(12) + median(paired.plainMs).toFixed(3).padStart(10) + median(paired.plainCpuMs).toFixed(3).padStart(10));
}

// Fixed cost of one dispatch and the rung's matmuls at their sizes.
const timeOp = (body, n) => {
  const [w0, c0] = [performance.now(), cpuMs()];
  for (let i = 0; i < n; i++) tf.dispose(body());
  return { wallUs: ((performance.now() - w0) / n) * 1000, cpuUs: ((cpuMs() - c0) / n) * 1000 };
};
const one = tf.scalar(1);
timeOp(() => tf.add(one, one), 500);
const tiny = timeOp(() => tf.add(one, one), 3000);
console.log(`tiny op (1-element add): ${tiny.wallUs.toFixed(1)} µs wall, ${tiny.cpuUs.toFixed(1)} µs CPU`);
if (rung.spec.kind === 'mlp') {
  const widths = [rung.spec.features, ...rung.spec.hidden, 1];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [i, o] = [widths[l], widths[l + 1]];
    const x = tf.randomNormal([rung.batch, i]);
    const w = tf.randomNormal([i, o]);
    timeOp(() => tf.matMul(x, w), 20);
    const t = timeOp(() => tf.matMul(x, w), 200);
    const gflop = (2 * rung.batch * i * o) / 1e9;
    console.log(`matMul [${rung.batch}×${i}]·[${i}×${o}]: ${t.wallUs.toFixed(1)} µs wall, ${t.cpuUs.toFixed(1)} µs CPU (${(gflop / (t.cpuUs / 1e6)).toFixed(1)} GFLOP per CPU-s)`);
    tf.dispose([x, w]);
  }
}
