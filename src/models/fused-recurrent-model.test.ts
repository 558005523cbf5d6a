/**
 * Fused recurrent layers in models: which layers and calls are fused, that the model and
 * its saved form are unchanged, that training with them follows tfjs-layers' curve, and
 * that gclip's loop keeps its rules with them (one readback per step, no leak, same bytes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../config/schema.js';
import type { StepRecord } from '../record.js';
import { FORWARD_KERNEL } from '../runtime/recurrent/forward.js';
import { initBackend } from '../runtime/backend.js';
import { tf, type LayersModel } from '../runtime/tf.js';
import { train } from '../train/run.js';
import { buildPlan } from '../train/setup.js';
import { fuseRecurrentLayers, unfusableReason } from './fused-recurrent.js';
import { memoryFiles } from './files.js';
import { loadModelJson } from './model-json.js';
import { saveModel } from './save.js';
import { countReadbacksIn } from '../../test/helpers/readbacks.js';

/** Counts the fused forward kernel's dispatches while `f` runs (and settles). */
async function fusedCalls<T>(f: () => T | Promise<T>): Promise<{ result: T; calls: number }> {
  const engine = tf.engine();
  const original = engine.runKernel.bind(engine);
  let calls = 0;
  engine.runKernel = ((name: string, ...rest: unknown[]) => {
    if (name === FORWARD_KERNEL) calls++;
    return (original as (...a: unknown[]) => unknown)(name, ...rest);
  }) as typeof engine.runKernel;
  try {
    const result = await f();
    return { result, calls };
  } finally {
    engine.runKernel = original;
  }
}

/** A model of one recurrent layer (and a head) on [5, 3] sequences. */
function sequenceModel(layer: tf.layers.Layer, before: tf.layers.Layer[] = []): LayersModel {
  return tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [5, 3] }), ...before, layer, tf.layers.dense({ units: 2 })] });
}

/** An unfused copy of `model` (from its JSON) with its weights. */
async function unfusedTwin(model: LayersModel): Promise<LayersModel> {
  const twin = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
  twin.setWeights(model.getWeights());
  return twin;
}

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('which layers are fused', () => {
  it('fuses SimpleRNN, LSTM and GRU of the built-in models and keeps the rest as tfjs-layers made them', async () => {
    for (const kind of ['rnn', 'lstm', 'gru'] as const) {
      const plan = buildPlan(runConfigSchema.parse({ model: { kind, units: 4 }, data: { kind: 'adding', seqLength: 6, samples: 64 }, train: { steps: 1 } }));
      expect(fuseRecurrentLayers(plan.model)).toEqual([kind]);
      const { result, calls } = await fusedCalls(() => tf.tidy(() => plan.model.apply(plan.batch(0).xs) as tf.Tensor));
      expect(calls).toBe(1);
      result.dispose();
      plan.dispose();
    }
  });

  it('names the configurations it leaves to tfjs-layers', () => {
    const cases: [tf.layers.Layer, string | null][] = [
      [tf.layers.lstm({ units: 2, stateful: true, batchInputShape: [4, 5, 3] }), 'stateful'],
      [tf.layers.gru({ units: 2, returnState: true }), 'returnState'],
      [tf.layers.simpleRNN({ units: 2, activation: 'softplus' }), 'activation softplus'],
      [tf.layers.lstm({ units: 2, recurrentActivation: 'selu' }), 'activation selu'],
      [tf.layers.dense({ units: 2 }), 'Dense is not a SimpleRNN, LSTM or GRU layer of tfjs-layers'],
      [tf.layers.gru({ units: 2, dropout: 0.5, goBackwards: true, useBias: false, activation: 'elu' }), null],
    ];
    for (const [layer, reason] of cases) expect(unfusableReason(layer)).toBe(reason);
  });

  it('leaves a masked call to tfjs-layers, with tfjs-layers’ result', async () => {
    const model = sequenceModel(tf.layers.lstm({ units: 4 }), [tf.layers.masking({ maskValue: 0 })]);
    const twin = await unfusedTwin(model);
    expect(fuseRecurrentLayers(model)).toEqual([model.layers.find((l) => l.getClassName() === 'LSTM')!.name]);
    const x = tf.tensor3d(Array.from({ length: 2 * 5 * 3 }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i))), [2, 5, 3]);
    const { result, calls } = await fusedCalls(() => model.predict(x) as tf.Tensor);
    expect(calls).toBe(0);
    expect(await result.data()).toEqual(await (twin.predict(x) as tf.Tensor).data());
    tf.dispose([x, result]);
    model.dispose();
    twin.dispose();
  });

  it('leaves active dropout to tfjs-layers while training and fuses the same layer in inference', async () => {
    const model = sequenceModel(tf.layers.gru({ units: 4, dropout: 0.5, recurrentDropout: 0.25 }));
    const twin = await unfusedTwin(model);
    fuseRecurrentLayers(model);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1);
    const trained = await fusedCalls(() => tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor));
    expect(trained.calls).toBe(0);
    trained.result.dispose();
    const { result, calls } = await fusedCalls(() => model.predict(x) as tf.Tensor);
    expect(calls).toBe(1);
    const expected = await (twin.predict(x) as tf.Tensor).data();
    expect(Math.max(...Array.from(await result.data(), (v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-6);
    tf.dispose([x, result]);
    model.dispose();
    twin.dispose();
  });

  it('fuses both directions of a Bidirectional wrapper', async () => {
    const model = sequenceModel(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, returnSequences: true }) as tf.RNN, mergeMode: 'concat' }));
    const twin = await unfusedTwin(model);
    expect(fuseRecurrentLayers(model)).toHaveLength(2);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3);
    const { result, calls } = await fusedCalls(() => model.predict(x) as tf.Tensor);
    expect(calls).toBe(2);
    const expected = await (twin.predict(x) as tf.Tensor).data();
    expect(Math.max(...Array.from(await result.data(), (v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-6);
    tf.dispose([x, result]);
    model.dispose();
    twin.dispose();
  });
});

describe('the model is unchanged', () => {
  it('serialises, names its weights and saves byte for byte as without fusion', async () => {
    const model = sequenceModel(tf.layers.lstm({ units: 3, returnSequences: true, goBackwards: true }), []);
    const twin = await unfusedTwin(model);
    const json = JSON.stringify(model.toJSON(null, false));
    const names = model.weights.map((w) => w.originalName);
    fuseRecurrentLayers(model);
    expect(JSON.stringify(model.toJSON(null, false))).toBe(json);
    expect(model.weights.map((w) => w.originalName)).toEqual(names);
    const files = (into: Map<string, string | Uint8Array>) => async (path: string, data: string | Uint8Array) => void into.set(path.split('/').pop()!, data);
    const [fused, plain] = [new Map<string, string | Uint8Array>(), new Map<string, string | Uint8Array>()];
    await saveModel(model, '/m', { write: files(fused) });
    await saveModel(twin, '/m', { write: files(plain) });
    expect(fused.get('model.json')).toBe(plain.get('model.json'));
    expect(fused.get('weights.bin')).toEqual(plain.get('weights.bin'));
    model.dispose();
    twin.dispose();
  });

  it('fuses the recurrent layers of a loaded model.json', async () => {
    const source = sequenceModel(tf.layers.gru({ units: 3 }));
    const files = new Map<string, string | Uint8Array>();
    await saveModel(source, '/m', { write: async (path, data) => void files.set(path, data) });
    const loaded = await loadModelJson('/m/model.json', memoryFiles(Object.fromEntries(files)));
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 2);
    const { result, calls } = await fusedCalls(() => loaded.model.predict(x) as tf.Tensor);
    expect(calls).toBe(1);
    const expected = await (source.predict(x) as tf.Tensor).data();
    expect(Math.max(...Array.from(await result.data(), (v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-6);
    tf.dispose([x, result]);
    source.dispose();
    loaded.model.dispose();
  });
});

describe('training with fused layers', () => {
  const CURVES = (['rnn', 'lstm', 'gru'] as const).flatMap((kind) => (['cpu', 'wasm'] as const).map((backend) => [kind, backend] as const));
  it.each(CURVES)('%s on %s: 200 Adam steps follow tfjs-layers’ loss curve within 1e-5', async (kind, backend) => {
    await initBackend(backend);
    const config = runConfigSchema.parse({ model: { kind, units: 8 }, data: { kind: 'adding', seqLength: 10, samples: 256, batchSize: 16 }, train: { steps: 200 }, seed: 3 });
    const plan = buildPlan(config);
    const twin = await unfusedTwin(plan.model);
    const before = tf.memory().numTensors;
    const curve = (model: LayersModel): number[] => {
      const optimizer = tf.train.adam(1e-2);
      const losses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const loss = tf.tidy(() => {
          const { xs, ys } = plan.batch(i);
          return optimizer.minimize(() => plan.loss(ys, model.apply(xs, { training: true }) as tf.Tensor), true)!;
        });
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      optimizer.dispose();
      return losses;
    };
    const fused = curve(plan.model);
    expect(tf.memory().numTensors).toBe(before);
    const reference = curve(twin);
    expect(reference[199]).toBeLessThan(reference[0]! / 2);
    for (let i = 0; i < 200; i++) expect(Math.abs(fused[i]! - reference[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(reference[i]!));
    twin.dispose();
    plan.dispose();
    await initBackend('wasm');
  });

  const LSTM_RUN: RunConfigInput = { model: { kind: 'lstm', units: 8 }, data: { kind: 'adding', seqLength: 12, samples: 256 }, train: { steps: 12 }, clip: { kind: 'norm', maxNorm: 1 } };

  it('keeps gclip’s loop to one readback per step, a flat tensor count and byte-identical logs', async () => {
    const run = async (): Promise<{ log: StepRecord[]; counts: number[] }> => {
      const log: StepRecord[] = [];
      const counts: number[] = [];
      const sink = { name: 'recorder', open: async () => {}, write: async (r: StepRecord) => void (log.push(r), counts.push(tf.memory().numTensors)), close: async () => {} };
      await train(runConfigSchema.parse(LSTM_RUN), { backend: 'wasm', sinks: [sink], now: () => 0 });
      return { log, counts };
    };
    const before = tf.memory().numTensors;
    const { result: first, reads } = await countReadbacksIn(() => fusedCalls(run));
    const { log, counts } = first.result;
    expect(first.calls).toBeGreaterThanOrEqual(12);
    expect(reads).toBe(12);
    expect(new Set(counts.slice(2))).toEqual(new Set([counts[2]]));
    expect(tf.memory().numTensors).toBe(before);
    expect((await run()).log).toEqual(log);
  });
});
