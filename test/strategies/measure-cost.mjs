#!/usr/bin/env node
// Per-step cost of each clip strategy relative to `none`, on the wasm backend.
//   npm run build && node test/strategies/measure-cost.mjs [repeats=5]
// For every model, one unrecorded run of every strategy warms up the kernels; then each
// repeat runs every strategy once, interleaved and in a rotated order (so drift and order
// effects hit all of them alike), and takes the median per-step wallMs over steps ≥ 5 (the first steps compile
// kernels); the table gives the median over repeats, and each strategy's ratio to `none`.
// The RNN is configs/exploding-rnn.yaml's network and task with recurrent gain 1, so that
// unclipped runs do not halt at step 14 and every strategy runs all its steps.
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { runConfigSchema } from '../../dist/config/schema.js';
import { initBackend } from '../../dist/runtime/backend.js';
import { train } from '../../dist/train/run.js';

const repeats = Number(process.argv[2] ?? 5);
const root = new URL('../../', import.meta.url);
const plugin = fileURLToPath(new URL('fixtures/plugins/scale-clip.js', root));
const load = async (path) => parse(await readFile(new URL(path, root), 'utf8'));

const CLIPS = {
  none: { kind: 'none' },
  norm: { kind: 'norm', maxNorm: 1 },
  value: { kind: 'value', clipValue: 0.1 },
  'tensor-norm': { kind: 'tensor-norm', maxNorm: 1 },
  agc: { kind: 'agc' },
  autoclip: { kind: 'autoclip' },
  zclip: { kind: 'zclip', maxNorm: 1 },
  'zclip percentile (cap 1)': { kind: 'zclip', mode: 'percentile', maxNorm: 1 },
  adagc: { kind: 'adagc' },
  'update-clip (Adam only)': { kind: 'update-clip' },
  'chain (zclip, norm)': { kind: 'chain', strategies: [{ kind: 'zclip' }, { kind: 'norm', maxNorm: 1 }] },
  'plugin (scale-clip)': { kind: 'module', module: plugin, options: { maxNorm: 1 } },
};

const demo = await load('configs/demo.yaml');
const rnn = await load('configs/exploding-rnn.yaml');
const MODELS = {
  'demo MLP (8→32→32→1, batch 64, adam), 200 steps': { ...demo, train: { ...demo.train, evalEvery: 0 } },
  'exploding RNN (32 units, T=30, batch 32, sgd), 150 steps': {
    ...rnn,
    model: { ...rnn.model, recurrentInit: { kind: 'orthogonal', scale: 1 } },
    train: { ...rnn.train, steps: 150, evalEvery: 0 },
    detect: { nonfinite: { action: 'warn' } },
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

await initBackend('wasm');
for (const [model, base] of Object.entries(MODELS)) {
  // update-clip scales Adam's step: it has no row for the SGD model.
  const entries = Object.entries(CLIPS).filter(([, clip]) => clip.kind !== 'update-clip' || (base.train.optimizer ?? 'adam') === 'adam');
  const perStrategy = Object.fromEntries(entries.map(([k]) => [k, []]));
  const stepMs = async (clip) => {
    const walls = [];
    const sink = { name: 'wall', open: async () => {}, write: async (rec) => void walls.push(rec.wallMs), close: async () => {} };
    await train(runConfigSchema.parse({ ...base, clip }), { backend: 'wasm', sinks: [sink], now: () => performance.now() });
    return median(walls.slice(5));
  };
  for (const [, clip] of entries) await stepMs(clip);
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < entries.length; i++) {
      const [name, clip] = entries[(i + r) % entries.length];
      perStrategy[name].push(await stepMs(clip));
    }
  }
  const none = median(perStrategy.none);
  console.log(`\n${model} — wasm, ${repeats} repeats, node ${process.version}`);
  console.log('| strategy | ms/step (median) | relative to none | spread over repeats (min–max ms) |');
  console.log('|---|---:|---:|---:|');
  for (const [name, xs] of Object.entries(perStrategy)) {
    const m = median(xs);
    console.log(`| ${name} | ${m.toFixed(2)} | ${(m / none).toFixed(2)}× | ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} |`);
  }
}
