/**
 * One host readback per step holds for every strategy: a spy counts every `data()`,
 * `dataSync()`, `array()` and `arraySync()` during a whole `train()` (as in
 * src/train/loop.test.ts), with evaluation on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIP_CASES, countReadbacks } from '../helpers/readbacks.js';
import { runConfigSchema } from '../../src/config/schema.js';
import { initBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';
import type { Sink } from '../../src/report/sinks/types.js';

const STEPS = 30;
const reads = countReadbacks();

beforeAll(async () => {
  await initBackend('wasm');
});

describe('one host readback per step', () => {
  it.each(CLIP_CASES)('%s', async (_name, clip) => {
    const config = runConfigSchema.parse({ train: { steps: STEPS, evalEvery: 10 }, clip });
    const before = tf.memory().numTensors;
    const withUpdate: boolean[] = [];
    const sink: Sink = { name: 'update', open: async () => {}, close: async () => {}, write: async (r) => void withUpdate.push(Number.isFinite(r.updateNorm) && Object.keys(r.layerUpdateRatios ?? {}).length > 0) };
    const summary = await train(config, { backend: 'wasm', now: () => 0, sinks: [sink] });
    expect(summary.steps).toBe(STEPS);
    expect(reads.count).toBe(STEPS);
    expect(tf.memory().numTensors).toBe(before);
    // The update telemetry rides in that readback, every step; update clipping has none (its update needs the readback).
    expect(withUpdate).toEqual(Array<boolean>(STEPS).fill(clip?.kind !== 'update-clip'));
  });

  it('also on the RNN, where AGC and the adaptive strategies see recurrent kernels', async () => {
    for (const clip of [{ kind: 'agc' }, { kind: 'autoclip' }, { kind: 'zclip', warmupSteps: 3, maxNorm: 1 }] as const) {
      reads.count = 0;
      const config = runConfigSchema.parse({
        model: { kind: 'rnn', units: 8 }, data: { kind: 'adding', seqLength: 10, samples: 256 }, train: { steps: 10, optimizer: 'sgd', lr: 0.1 }, clip,
      });
      const summary = await train(config, { backend: 'wasm', now: () => 0 });
      expect([clip.kind, reads.count]).toEqual([clip.kind, summary.steps]);
    }
  });
});
