import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../helpers/backend.js';
import { cnnModelSchema, dataSchema, gruModelSchema, lstmModelSchema, type ImagesDataConfig } from '../../src/config/schema.js';
import { makeSyntheticData } from '../../src/data/synthetic.js';
import { trainOnDataset, trainSteps } from '../../src/models/train-harness.js';
import { initBackend } from '../../src/runtime/backend.js';
import { createRng } from '../../src/runtime/rng.js';
import { tf } from '../../src/runtime/tf.js';
import { mean } from './helpers.js';

const images = (samples: number): ReturnType<typeof makeSyntheticData> =>
  makeSyntheticData(dataSchema.parse({ kind: 'images', samples, size: 16 }) as ImagesDataConfig, createRng(5));
const cnn2d = cnnModelSchema.parse({ kind: 'cnn', filters: [8], dense: [] });

useWasmBackend();

describe('training on the wasm backend', () => {
  it('the images task is 16x16x1 with a bar per class', () => {
    const ds = images(8);
    expect([ds.inputShape, ds.outputDim, ds.task]).toEqual([[16, 16, 1], 4, 'classification']);
    expect(Array.from(ds.y.subarray(0, 4)).reduce((a, b) => a + b)).toBe(1);
  });

  it('2-D CNN (conv → max-pool → dense) learns the images task on wasm, tensor count flat', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const { losses, counts } = await trainOnDataset(images(512), cnn2d, { steps: 60, lr: 0.01, batchSize: 64 });
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(0.5 * mean(losses.slice(0, 5)));
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it.each([
    lstmModelSchema.parse({ kind: 'lstm', units: 8 }),
    gruModelSchema.parse({ kind: 'gru', units: 8 }),
    cnnModelSchema.parse({ kind: 'cnn', filters: [4, 6], dense: [8] }),
  ])('$kind learns the adding problem on wasm (1-D conv for cnn), tensor count flat', async (model) => {
    const { losses, counts } = await trainSteps({ kind: 'adding', samples: 512, seqLength: 10, batchSize: 32 }, model, 40, 0.01);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});

/** Per-step wall time of the 8-filter 3×3 CNN on 16×16 images, batch 64 (the setting). Run with GCLIP_BENCH=1. */
describe.skipIf(!process.env.GCLIP_BENCH)('CNN ms/step', () => {
  it.each(['wasm', 'cpu'])('%s', async (backend) => {
    await initBackend(backend as 'wasm' | 'cpu');
    const { stepMs } = await trainOnDataset(images(1024), cnn2d, { steps: 60, lr: 0.01, batchSize: 64, now: () => performance.now() });
    const steady = stepMs.slice(10).sort((a, b) => a - b);
    console.log(`${backend}: median ${steady[Math.floor(steady.length / 2)]!.toFixed(1)} ms/step, p90 ${steady[Math.floor(steady.length * 0.9)]!.toFixed(1)} ms/step`);
  });
});
