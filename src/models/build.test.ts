import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlpModelSchema, rnnModelSchema, type ModelConfig } from '../config/schema.js';
import { initBackend } from '../runtime/backend.js';
import { createRng } from '../runtime/rng.js';
import { tf, type LayersModel } from '../runtime/tf.js';
import { buildModel, layerGroups } from './build.js';

const mlp: ModelConfig = mlpModelSchema.parse({ kind: 'mlp', hidden: [16, 8] });
const rnn: ModelConfig = rnnModelSchema.parse({ kind: 'rnn', units: 6 });

async function weightsOf(model: LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildModel', () => {
  it('names layers and weights stably, even when built twice in one process', () => {
    for (let i = 0; i < 2; i++) {
      const m = buildModel(mlp, { inputShape: [5], outputDim: 3 }, createRng(0));
      expect(m.name).toBe('gclip_mlp');
      expect(layerGroups(m)).toEqual({
        names: ['dense_1', 'dense_2', 'head'],
        varLayer: [0, 0, 1, 1, 2, 2],
        weightNames: ['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'head/kernel', 'head/bias'],
      });
      m.dispose();
    }
  });

  it('rnn: SimpleRNN then a linear head, with recurrent weights grouped under rnn', () => {
    const m = buildModel(rnn, { inputShape: [20, 2], outputDim: 1 }, createRng(0));
    expect(m.outputs[0]!.shape).toEqual([null, 1]);
    expect(m.getLayer('rnn').getClassName()).toBe('SimpleRNN');
    expect(layerGroups(m)).toEqual({
      names: ['rnn', 'head'],
      varLayer: [0, 0, 0, 1, 1],
      weightNames: ['rnn/kernel', 'rnn/recurrent_kernel', 'rnn/bias', 'head/kernel', 'head/bias'],
    });
    m.dispose();
  });

  it('adapts the input: mlp flattens sequences, rnn reads tabular features as a sequence', () => {
    const m1 = buildModel(mlp, { inputShape: [10, 2], outputDim: 1 }, createRng(0));
    expect(m1.layers[0]!.name).toBe('flatten');
    expect(m1.getLayer('dense_1').getWeights()[0]!.shape).toEqual([20, 16]);
    expect(layerGroups(m1).names).toEqual(['dense_1', 'dense_2', 'head']);
    const m2 = buildModel(rnn, { inputShape: [7], outputDim: 2 }, createRng(0));
    expect(m2.layers[0]!.name).toBe('reshape');
    expect(m2.getLayer('rnn').getWeights()[0]!.shape).toEqual([1, 6]);
    m1.dispose();
    m2.dispose();
  });

  it('rejects an rnn on inputs of rank 3 as bad input', () => {
    expect(() => buildModel(rnn, { inputShape: [4, 4, 1], outputDim: 1 }, createRng(0))).toThrowError(
      expect.objectContaining({ code: 'model_input_mismatch', exitCode: 2 }),
    );
  });

  it('same seed gives identical weights, another seed different kernels, biases are zero', async () => {
    const io = { inputShape: [20, 2], outputDim: 1 };
    const [a, b, c] = [1, 1, 2].map((s) => buildModel(rnn, io, createRng(s)));
    const [wa, wb, wc] = await Promise.all([a!, b!, c!].map(weightsOf));
    expect(wa).toEqual(wb);
    expect(wa![0]).not.toEqual(wc![0]);
    expect(Array.from(wa![2]!).every((v) => v === 0)).toBe(true); // rnn/bias
    // The recurrent kernel is orthogonal by default: its rows have unit norm.
    const rows = Array.from({ length: 6 }, (_, i) => wa![1]!.subarray(i * 6, i * 6 + 6).reduce((s, v) => s + v * v, 0));
    for (const r of rows) expect(r).toBeCloseTo(1, 5);
    [a, b, c].forEach((m) => m!.dispose());
  });

  it('leaves exactly the model weights as tensors, and dispose frees them', () => {
    const before = tf.memory().numTensors;
    const m = buildModel(mlp, { inputShape: [5], outputDim: 3 }, createRng(0));
    expect(tf.memory().numTensors - before).toBe(6);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives bit-identical weights on cpu and wasm for the same seed', async () => {
    const io = { inputShape: [12, 2], outputDim: 2 };
    const onCpu = [mlp, rnn].map((cfg) => buildModel(cfg, io, createRng(7)));
    const cpuWeights = await Promise.all(onCpu.map(weightsOf));
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = [mlp, rnn].map((cfg) => buildModel(cfg, io, createRng(7)));
    const wasmWeights = await Promise.all(onWasm.map(weightsOf));
    expect(wasmWeights).toEqual(cpuWeights);
    [...onCpu, ...onWasm].forEach((m) => m.dispose());
    await tf.setBackend('cpu');
  });
});
