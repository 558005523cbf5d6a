// Long-run flatness and checkpoint cost (issue #17), on the built dist/:
//   node bench/long-run.mjs [steps=20000]
// 1. One MLP run of `steps` steps on wasm writing its run directory: RSS and tfjs tensor
//    count at step 1000 and at the end (flat = no growth beyond noise).
// 2. Checkpoint cost: 600-step runs with checkpoints every 25, every 100 and only at the
//    end, interleaved 3 rounds; the median ms/step of each, and the difference to "end only".
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigSchema } from '../dist/config/schema.js';
import { initBackend } from '../dist/runtime/backend.js';
import { tf } from '../dist/runtime/tf.js';
import { runSession } from '../dist/train/session.js';

const steps = Number(process.argv[2] ?? 20000);
const backend = (await initBackend('wasm')).name;
const root = mkdtempSync(join(tmpdir(), 'gclip-long-'));
const config = (over) => runConfigSchema.parse({ name: 'long', backend: 'wasm', clip: { kind: 'norm', maxNorm: 1 }, ...over });

const marks = [];
const watch = {
  name: 'watch', open: async () => {}, close: async () => {},
  write: async (r) => {
    if (r.step + 1 === 1000 || r.step + 1 === steps) marks.push({ step: r.step + 1, rssMB: +(process.memoryUsage().rss / 2 ** 20).toFixed(1), tensors: tf.memory().numTensors });
  },
};
await runSession(config({ train: { steps }, log: { out: join(root, 'long') } }), { cwd: root, startedAt: new Date(), backend, sinks: [watch] });
console.log(JSON.stringify({ longRun: marks }));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sides = { end: 0, every100: 100, every25: 25 };
const times = { end: [], every100: [], every25: [] };
for (let round = 0; round < 3; round++) {
  for (const [name, every] of Object.entries(sides)) {
    const t0 = performance.now();
    await runSession(config({ train: { steps: 600 }, checkpoint: { every }, log: { out: join(root, `${name}-${round}`) } }), { cwd: root, startedAt: new Date(), backend });
    times[name].push((performance.now() - t0) / 600);
  }
}
const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +median(v).toFixed(4)]));
console.log(JSON.stringify({ msPerStep: ms, checkpointCostPerStep: { every25: +(ms.every25 - ms.end).toFixed(4), every100: +(ms.every100 - ms.end).toFixed(4) } }));
