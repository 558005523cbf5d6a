#!/usr/bin/env node
// Per-step time of shipped configs: gclip's loop (train() with its telemetry and JSONL log)
// against a hand-written `optimizer.minimize` loop on the same model, data and batches,
// interleaved step by step (src/bench/loops.ts). Used for the numbers in issue #3's note.
//   npm run build && node bench/config-steps.mjs [steps=200] [backends=wasm,cpu]
import { resolve } from 'node:path';
import { loadConfigFile, nodeReader } from '../dist/config/load.js';
import { resolveConfig } from '../dist/config/merge.js';
import { initBackend } from '../dist/runtime/backend.js';
import { timeInterleaved } from '../dist/bench/loops.js';

const steps = Number(process.argv[2] ?? 200);
const backends = (process.argv[3] ?? 'wasm,cpu').split(',');
const runs = [
  ['demo.yaml', {}],
  ['exploding-rnn.yaml', { clipNorm: '1.0' }],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const backend of backends) {
  await initBackend(backend);
  for (const [file, flags] of runs) {
    const loaded = await loadConfigFile(resolve('configs', file), nodeReader);
    const { config } = resolveConfig({ file: loaded, flags: { ...flags, steps: String(steps), backend } });
    const t = await timeInterleaved({ ...config, train: { ...config.train, evalEvery: 0 } }, backend, 10);
    const [p, g] = [median(t.plainMs), median(t.gclipMs)];
    console.log(`${backend}\t${file}${flags.clipNorm ? ' --clip-norm 1.0' : ''}\tplain ${p.toFixed(2)} ms\tgclip ${g.toFixed(2)} ms\t${((g / p - 1) * 100).toFixed(1)}%\t(${t.status})`);
  }
}
