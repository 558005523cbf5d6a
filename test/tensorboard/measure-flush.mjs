// Cost per step of writing TensorBoard events step by step (flushBytes 0, the default)
// against the old 1 MiB buffer, measured on the built sink (npm run build first):
// rounds interleave the two sides; each round writes STEPS records with per-layer norms
// and a histogram every 100 steps. Prints the median µs per step of each side.
//   node test/tensorboard/measure-flush.mjs [steps] [rounds]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTensorBoardSink } from '../../dist/report/sinks/tensorboard.js';

const STEPS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 7);
const layers = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`dense_${i}/kernel`, 1 + i / 10]));
const hist = Object.fromEntries(Object.keys(layers).map((k, i) => [k, Float32Array.from({ length: 4096 }, (_, j) => Math.sin(i + j))]));
const record = (step) => ({ step, loss: 1 / (step + 1), preClipNorm: 2, postClipNorm: 1, clipCoef: 0.5, clipped: true, threshold: 1, layerNorms: layers, layerNormsPost: layers, lr: 0.01, valLoss: null, events: [], skipped: false, wallMs: 1 });
const summary = { status: 'ok' };

async function run(flushBytes) {
  const dir = await mkdtemp(join(tmpdir(), 'gclip-tb-flush-'));
  const sink = createTensorBoardSink({ dir, flushBytes, hostname: 'bench', now: () => 0 });
  await sink.open({ runDir: dir, config: {}, backend: 'cpu', startedAt: '' });
  const t0 = performance.now();
  for (let s = 0; s < STEPS; s++) await sink.write(record(s), s % 100 === 0 ? { histograms: hist } : undefined);
  await sink.close(summary);
  const us = ((performance.now() - t0) * 1000) / STEPS;
  await rm(dir, { recursive: true });
  return us;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sides = { 'per step (flushBytes 0)': [], 'buffered (flushBytes 1 MiB)': [] };
await run(0); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  sides['per step (flushBytes 0)'].push(await run(0));
  sides['buffered (flushBytes 1 MiB)'].push(await run(1 << 20));
}
for (const [name, xs] of Object.entries(sides)) console.log(`${name}: median ${median(xs).toFixed(1)} µs/step (${xs.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`difference: ${(median(sides['per step (flushBytes 0)']) - median(sides['buffered (flushBytes 1 MiB)'])).toFixed(1)} µs/step over ${STEPS} steps × ${ROUNDS} rounds`);
