/**
 * One host readback per step holds for every strategy: a spy counts every `data()`,
 * `dataSync()`, `array()` and `arraySync()` during a whole `train()` (as in
 * src/train/loop.test.ts), with evaluation on.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../src/config/schema.js';
import { initBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';

const PLUGIN = fileURLToPath(new URL('../../fixtures/plugins/scale-clip.js', import.meta.url));
const STEPS = 30;

const CLIPS: ReadonlyArray<[string, RunConfigInput['clip']]> = [
  ['none', { kind: 'none' }],
  ['norm', { kind: 'norm', maxNorm: 0.5 }],
  ['norm, p = 3', { kind: 'norm', maxNorm: 0.5, normType: 3 }],
  ['value', { kind: 'value', clipValue: 0.01 }],
  ['tensor-norm', { kind: 'tensor-norm', maxNorm: 0.1 }],
  ['agc', { kind: 'agc', excludeFinal: true }],
  ['autoclip', { kind: 'autoclip', window: 10 }],
  ['zclip (warm-up ends at step 5)', { kind: 'zclip', warmupSteps: 5, zThreshold: 0.5, maxNorm: 2 }],
  ['zclip, mode percentile', { kind: 'zclip', mode: 'percentile', warmupSteps: 5, zThreshold: 0.5 }],
  ['adagc (warm-up ends at step 5)', { kind: 'adagc', warmupSteps: 5 }],
  ['update-clip (Adam)', { kind: 'update-clip' }],
  ['chain: zclip then norm', { kind: 'chain', strategies: [{ kind: 'zclip', warmupSteps: 5 }, { kind: 'norm', maxNorm: 0.3 }] }],
  ['plugin module', { kind: 'module', module: PLUGIN, options: { maxNorm: 0.2 } }],
];

const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
const originals = { data: proto.data!, dataSync: proto.dataSync!, array: proto.array!, arraySync: proto.arraySync! };
let reads = 0;

beforeAll(async () => {
  await initBackend('wasm');
});

beforeEach(() => {
  reads = 0;
  for (const [name, fn] of Object.entries(originals)) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      reads++;
      return fn.apply(this, args);
    };
  }
});

afterEach(() => {
  Object.assign(proto, originals);
});

describe('one host readback per step', () => {
  it.each(CLIPS)('%s', async (_name, clip) => {
    const config = runConfigSchema.parse({ train: { steps: STEPS, evalEvery: 10 }, clip });
    const before = tf.memory().numTensors;
    const summary = await train(config, { backend: 'wasm', now: () => 0 });
    expect(summary.steps).toBe(STEPS);
    expect(reads).toBe(STEPS);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('also on the RNN, where AGC and the adaptive strategies see recurrent kernels', async () => {
    for (const clip of [{ kind: 'agc' }, { kind: 'autoclip' }, { kind: 'zclip', warmupSteps: 3, maxNorm: 1 }] as const) {
      reads = 0;
      const config = runConfigSchema.parse({
        model: { kind: 'rnn', units: 8 }, data: { kind: 'adding', seqLength: 10, samples: 256 }, train: { steps: 10, optimizer: 'sgd', lr: 0.1 }, clip,
      });
      const summary = await train(config, { backend: 'wasm', now: () => 0 });
      expect([clip.kind, reads]).toEqual([clip.kind, summary.steps]);
    }
  });
});
