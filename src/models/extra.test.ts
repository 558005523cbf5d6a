import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { createRng } from '../runtime/rng.js';
import { tf, type LayersModel } from '../runtime/tf.js';
import { buildModel, layerGroups } from './build.js';
import { cnnModelSchema, gruModelSchema, lstmModelSchema } from '../config/schema.js';
import { trainSteps } from './train-harness.js';

const lstm = lstmModelSchema.parse({ kind: 'lstm', units: 5 });
const gru = gruModelSchema.parse({ kind: 'gru', units: 5 });
const cnn = cnnModelSchema.parse({ kind: 'cnn', filters: [4, 6], dense: [8] });

const names = (m: LayersModel): string[] => m.layers.map((l) => l.name);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lstm and gru', () => {
  it.each([
    { cfg: lstm, gates: 4 },
    { cfg: gru, gates: 3 },
  ])('$cfg.kind: stable names and gate-stacked shapes', ({ cfg, gates }) => {
    const m = buildModel(cfg, { inputShape: [12, 2], outputDim: 1 }, createRng(0));
    expect(names(m)).toEqual([cfg.kind, 'head']);
    expect(layerGroups(m).weightNames).toEqual([`${cfg.kind}/kernel`, `${cfg.kind}/recurrent_kernel`, `${cfg.kind}/bias`, 'head/kernel', 'head/bias']);
    expect(m.getWeights().map((w) => w.shape)).toEqual([[2, 5 * gates], [5, 5 * gates], [5 * gates], [5, 1], [1]]);
    m.dispose();
  });

  it('lstm forget-gate bias is 1 and the other gates 0 (gate order i, f, c, o)', async () => {
    const m = buildModel(lstm, { inputShape: [4], outputDim: 1 }, createRng(0));
    expect(names(m)).toEqual(['reshape', 'lstm', 'head']);
    const bias = Array.from(await m.getLayer('lstm').getWeights()[2]!.data());
    expect(bias).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    m.dispose();
  });
});

describe('cnn', () => {
  it('1-D on sequences: conv and pool per stage, pooling skipped once too short', () => {
    const m = buildModel(cnn, { inputShape: [3, 2], outputDim: 2 }, createRng(0));
    // Length 3 → pool_1 → 1, which is below pool 2, so stage 2 has no pooling.
    expect(names(m)).toEqual(['conv_1', 'pool_1', 'conv_2', 'flatten', 'dense_1', 'head']);
    expect(layerGroups(m).names).toEqual(['conv_1', 'conv_2', 'dense_1', 'head']);
    expect(m.getLayer('conv_1').getWeights()[0]!.shape).toEqual([3, 2, 4]);
    m.dispose();
  });

  it('2-D on images and 1-D on tabular features', () => {
    const img = buildModel(cnn, { inputShape: [8, 8, 1], outputDim: 3 }, createRng(0));
    expect(names(img)).toEqual(['conv_1', 'pool_1', 'conv_2', 'pool_2', 'flatten', 'dense_1', 'head']);
    expect(img.getLayer('dense_1').getWeights()[0]!.shape).toEqual([2 * 2 * 6, 8]);
    const tab = buildModel(cnn, { inputShape: [16], outputDim: 1 }, createRng(0));
    expect(names(tab)[0]).toBe('reshape');
    img.dispose();
    tab.dispose();
  });

  it('rejects inputs of rank 4', () => {
    expect(() => buildModel(cnn, { inputShape: [2, 2, 2, 2], outputDim: 1 }, createRng(0))).toThrowError(
      expect.objectContaining({ code: 'model_input_mismatch', exitCode: 2 }),
    );
  });
});

describe('extra models train on the adding problem (cpu)', () => {
  it.each([lstm, gru, cnn])('$kind: loss falls over 40 Adam steps, tensor count flat', async (model) => {
    const { losses, counts } = await trainSteps({ kind: 'adding', samples: 512, seqLength: 10, batchSize: 32 }, model, 40, 0.01);
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});

describe('extra models on wasm', () => {
  it('get bit-identical weights on cpu and wasm for the same seed', async () => {
    const io = { inputShape: [12, 2], outputDim: 2 };
    const read = (m: LayersModel): Promise<Float32Array[]> => Promise.all(m.getWeights().map(async (w) => (await w.data()) as Float32Array));
    const onCpu = [lstm, gru, cnn].map((cfg) => buildModel(cfg, io, createRng(3)));
    const cpuWeights = await Promise.all(onCpu.map(read));
    await initBackend('wasm');
    const onWasm = [lstm, gru, cnn].map((cfg) => buildModel(cfg, io, createRng(3)));
    expect(await Promise.all(onWasm.map(read))).toEqual(cpuWeights);
    [...onCpu, ...onWasm].forEach((m) => m.dispose());
    await tf.setBackend('cpu');
  });
});
