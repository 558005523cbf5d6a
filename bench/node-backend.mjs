#!/usr/bin/env node
// Why tfjs-node gains little over wasm on a mid-size model (issue #22): per backend and,
// for node, per thread / oneDNN setting, one child process measures
//   tinyOpUs     µs per dispatch of a 1-element add (the fixed cost every kernel pays),
//   matmulGflops 512×512 matMul (2·512³ flop per call, result read back each call),
//   mlpMs        gclip's step on the MLP 256→512→512→1 (≈395k params), batch 128,
//                Adam, global-norm clip 1.0 (median of the timed steps),
//   kernels      tfjs kernel dispatches per MLP step (the bench's probe),
//   plainMs, plainKernels  the same for a hand-written tfjs loop (optimizer.minimize, no
//                clipping, no diagnostics: src/bench/loops.ts) on the same model and data,
// each of the first three also in process CPU time (…Cpu: CPU µs per op, GFLOP per
// CPU-second, CPU ms per step), which a loaded machine distorts far less than wall time;
// CPU/wall above 1 means more than one thread was busy.
// `--profile BACKEND` instead wraps every kernel of the backend in a timer and prints, per
// kernel, calls and ms per gclip MLP step (bench/kernel-profile.mjs does this for the plain
// loop of the bench models).
// Children run round-robin (every setting once per round), so load from other processes
// spreads over all settings alike; the table shows medians over the rounds.
//   npm run build && node bench/node-backend.mjs [--rounds 5] [--out FILE]
//   node bench/node-backend.mjs --profile node
// The environment variables only take effect when libtensorflow loads, hence a process per
// setting.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timePlain } from '../dist/bench/loops.js';
import { probe } from '../dist/bench/probe.js';
import { runConfigSchema, train } from '../dist/index.js';
import { initBackend } from '../dist/runtime/backend.js';
import { tf } from '../dist/runtime/tf.js';

const SETTINGS = [
  { name: 'wasm', backend: 'wasm', env: {} },
  { name: 'node (defaults)', backend: 'node', env: {} },
  { name: 'node intra-op 1', backend: 'node', env: { TF_NUM_INTRAOP_THREADS: '1' } },
  { name: 'node intra-op 1, inter-op 1', backend: 'node', env: { TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1' } },
  { name: 'node inter-op 1', backend: 'node', env: { TF_NUM_INTEROP_THREADS: '1' } },
  { name: 'node OMP_NUM_THREADS=1', backend: 'node', env: { OMP_NUM_THREADS: '1' } },
  { name: 'node oneDNN off', backend: 'node', env: { TF_ENABLE_ONEDNN_OPTS: '0' } },
];
const MLP_STEPS = 30;
const WARMUP_STEPS = 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The MLP 256→512→512→1 (394,753 parameters), batch 128, Adam, global-norm clip 1. */
function mlpConfig(backend, steps) {
  return runConfigSchema.parse({
    seed: 7,
    backend,
    model: { kind: 'mlp', hidden: [512, 512] },
    data: { kind: 'regression', features: 256, samples: 4096, batchSize: 128, valFraction: 0 },
    train: { steps, optimizer: 'adam', lr: 1e-3, evalEvery: 0 },
    clip: { kind: 'norm', maxNorm: 1 },
  });
}

async function profile(backend) {
  await initBackend(backend);
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
  let start = 0;
  const sink = {
    name: 'profile',
    open: async () => {},
    write: async (r) => void (r.step === WARMUP_STEPS - 1 && ((timing = true), (start = performance.now()))),
    close: async () => {},
  };
  await train(mlpConfig(backend, MLP_STEPS), { backend, sinks: [sink] });
  const steps = MLP_STEPS - WARMUP_STEPS;
  const rows = [...stats].map(([name, s]) => ({ name, calls: s.calls / steps, ms: s.ms / steps })).sort((a, b) => b.ms - a.ms);
  const inKernels = rows.reduce((t, r) => t + r.ms, 0);
  console.log(`${backend}: ${((performance.now() - start) / steps).toFixed(2)} ms per step, ${inKernels.toFixed(2)} ms of it in ${rows.reduce((t, r) => t + r.calls, 0)} kernels`);
  for (const r of rows.slice(0, 15)) console.log(r.name.padEnd(24) + String(r.calls).padStart(6) + r.ms.toFixed(3).padStart(9));
}

async function child(backend) {
  await initBackend(backend);

  /** Wall and CPU milliseconds of `body`. */
  const timed = (body) => {
    const [cpu0, wall0] = [process.cpuUsage(), performance.now()];
    body();
    const cpu = process.cpuUsage(cpu0);
    return { wall: performance.now() - wall0, cpu: (cpu.user + cpu.system) / 1000 };
  };
  const one = tf.scalar(1);
  const OPS = 2000;
  const tinyOp = () => timed(() => {
    for (let i = 0; i < OPS; i++) tf.add(one, one).dispose();
  });
  tinyOp();
  const ops = [tinyOp(), tinyOp(), tinyOp()];
  const tinyOpUs = (median(ops.map((t) => t.wall)) / OPS) * 1000;
  const tinyOpCpuUs = (median(ops.map((t) => t.cpu)) / OPS) * 1000;

  const [a, b] = [tf.randomNormal([512, 512], 0, 1, 'float32', 1), tf.randomNormal([512, 512], 0, 1, 'float32', 2)];
  const matmul = () => timed(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  });
  for (let i = 0; i < 3; i++) matmul();
  const calls = Array.from({ length: 20 }, matmul);
  const FLOP = 2 * 512 ** 3;
  const matmulGflops = FLOP / (median(calls.map((t) => t.wall)) * 1e6);
  const matmulCpuGflops = FLOP / (median(calls.map((t) => t.cpu)) * 1e6);

  const config = (steps) => mlpConfig(backend, steps);
  const wall = [];
  let cpuStart = 0;
  let wallStart = 0;
  const sink = {
    name: 'timer',
    open: async () => {},
    write: async (r) => {
      wall.push(r.wallMs);
      if (r.step === WARMUP_STEPS - 1) [cpuStart, wallStart] = [process.cpuUsage(), performance.now()];
    },
    close: async () => {},
  };
  await train(config(MLP_STEPS), { backend, sinks: [sink], now: () => performance.now() });
  const cpu = process.cpuUsage(cpuStart);
  const mlpCpuMs = (cpu.user + cpu.system) / 1000 / (MLP_STEPS - WARMUP_STEPS);
  const mlpWallMs = (performance.now() - wallStart) / (MLP_STEPS - WARMUP_STEPS);
  const short = await probe(() => train(config(3), { backend }));
  const long = await probe(() => train(config(8), { backend }));
  const kernels = (long.kernels - short.kernels) / 5;
  const plainMs = median(timePlain(config(MLP_STEPS), WARMUP_STEPS).stepMs);
  const plainKernels = ((await probe(() => timePlain(config(8), 0))).kernels - (await probe(() => timePlain(config(3), 0))).kernels) / 5;
  const mlpMs = median(wall.slice(WARMUP_STEPS));
  return { tinyOpUs, tinyOpCpuUs, matmulGflops, matmulCpuGflops, mlpMs, mlpCpuMs, cpuPerWall: mlpCpuMs / mlpWallMs, kernels, plainMs, plainKernels };
}

function driver(rounds, out) {
  const script = fileURLToPath(import.meta.url);
  const results = new Map(SETTINGS.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const s of SETTINGS) {
      const r = spawnSync(process.execPath, [script, '--child', s.backend], {
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ...s.env },
        encoding: 'utf8',
      });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        console.error(`${s.name}: failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
        continue;
      }
      results.get(s.name).push(JSON.parse(line));
    }
    console.error(`round ${round + 1}/${rounds} done`);
  }
  const keys = ['tinyOpUs', 'tinyOpCpuUs', 'matmulGflops', 'matmulCpuGflops', 'mlpMs', 'mlpCpuMs', 'cpuPerWall', 'kernels', 'plainMs', 'plainKernels'];
  const table = SETTINGS.map((s) => {
    const rs = results.get(s.name);
    return { setting: s.name, runs: rs.length, ...Object.fromEntries(keys.map((k) => [k, rs.length ? median(rs.map((r) => r[k])) : null])) };
  });
  console.log(['setting'.padEnd(30), ...keys.map((k) => k.padStart(16))].join(''));
  for (const row of table) {
    console.log([row.setting.padEnd(30), ...keys.map((k) => (row[k] === null ? '—' : row[k].toFixed(k.endsWith('ernels') ? 0 : 2)).padStart(16))].join(''));
  }
  if (out) writeFileSync(out, JSON.stringify({ rounds, table, raw: Object.fromEntries(results) }, null, 2) + '\n');
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  console.log(JSON.stringify(await child(args[1])));
} else if (args[0] === '--profile') {
  await profile(args[1] ?? 'node');
} else {
  const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  driver(Number(flag('--rounds', '5')), flag('--out', null));
}
