import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelJson } from '../../src/models/model-json.js';
import { nodeFileReader } from '../../src/models/files.js';
import { saveModel } from '../../src/models/save.js';
import { tf, type LayersModel, type Tensor } from '../../src/runtime/tf.js';
import { loadPlan } from '../../src/train/setup.js';
import { config, mean, stepPlan } from './helpers.js';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const KERAS = 'fixtures/models/keras/model.json';
const TFJS = 'fixtures/models/tfjs/model.json';

const houses = (model: string, extra: object = {}) =>
  config({
    seed: 3,
    model: { kind: 'file', path: model },
    data: { kind: 'file', path: 'fixtures/data/houses.csv', features: ['sqft', 'rooms', 'age'], target: 'price', normalize: true, batchSize: 32, ...extra },
    train: { lr: 0.01 },
  });

/** tf.loadLayersModel through tfjs's own HTTP handler, with a fetch that serves files from disk. */
async function tfjsReload(dir: string): Promise<LayersModel> {
  const fetchFunc = async (input: string | URL | Request): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const bytes = await readFile(join(dir, new URL(url).pathname.replace('/run/', '')));
    return new Response(bytes, { status: 200, headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  };
  return tf.loadLayersModel('http://gclip.test/run/model.json', { fetchFunc });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('loadModelJson', () => {
  it('loads the Keras-converted layout: functional, loss from training_config, frozen layer kept frozen', async () => {
    const loaded = await loadModelJson(join(ROOT, KERAS), nodeFileReader);
    expect([loaded.layout, loaded.trainingLoss, loaded.output, loaded.inputShape, loaded.outputDim]).toEqual(['keras', 'mse', 'logits', [3], 1]);
    expect(loaded.model.getLayer('embed').trainable).toBe(false);
    expect(loaded.model.trainableWeights.map((w) => w.originalName)).toEqual(['hidden/kernel', 'hidden/bias', 'price/kernel', 'price/bias']);
    // The first weight's values are the shard's first 24 floats.
    const shard = new Float32Array((await readFile(join(ROOT, 'fixtures/models/keras/group1-shard1of1.bin'))).buffer.slice(0));
    expect(Array.from(await loaded.model.getLayer('embed').getWeights()[0]!.data())).toEqual(Array.from(shard.subarray(0, 24)));
    loaded.model.dispose();
  });

  it('loads the tfjs model.save() layout with its trainingConfig loss', async () => {
    const loaded = await loadModelJson(join(ROOT, TFJS), nodeFileReader);
    expect([loaded.layout, loaded.trainingLoss, loaded.inputShape, loaded.outputDim]).toEqual(['tfjs', 'mae', [3], 1]);
    expect(loaded.model.trainableWeights).toHaveLength(4);
    loaded.model.dispose();
  });
});

describe('training a model.json on the fixture CSV', () => {
  it.each([
    { model: KERAS, loss: 'mse', source: 'keras' },
    { model: TFJS, loss: 'mae', source: 'tfjs' },
  ])('$source layout: loss falls, the frozen layer never moves, tensor count flat', async ({ model, loss, source }) => {
    const plan = await loadPlan(houses(model), { cwd: ROOT });
    expect([plan.lossName, plan.modelSource, plan.task]).toEqual([loss, source, 'regression']);
    expect(plan.samples).toEqual({ train: 216, val: 24 });
    const frozen = source === 'keras' ? await plan.model.getLayer('embed').getWeights()[0]!.data() : null;
    const { losses, counts } = await stepPlan(plan, 60);
    expect(mean(losses.slice(-10))).toBeLessThan(0.7 * mean(losses.slice(0, 10)));
    expect(new Set(counts.slice(1)).size).toBe(1);
    if (frozen) expect(await plan.model.getLayer('embed').getWeights()[0]!.data()).toEqual(frozen);
    plan.dispose();
  });

  it('normalises with training-split statistics and reports none of the scale hints', async () => {
    const plan = await loadPlan(houses(KERAS), { cwd: ROOT });
    expect(plan.scaleHints).toEqual([]);
    expect(plan.normalization!.features.map((f) => f.name)).toEqual(['sqft', 'rooms', 'age']);
    expect(plan.normalization!.target![0]!.name).toBe('price');
    expect(plan.normalization!.features[0]!.mean).toBeGreaterThan(1500);
    plan.dispose();
  });

  it('without normalize, the scale diagnosis names price and sqft (rooms and age are small)', async () => {
    const plan = await loadPlan(houses(KERAS, { normalize: false }), { cwd: ROOT });
    expect(plan.normalization).toBeNull();
    expect(plan.scaleHints.map((h) => [h.code, h.column])).toEqual([
      ['large_column', 'price'],
      ['large_column', 'sqft'],
    ]);
    expect(plan.scaleHints[0]!.message).toMatch(/^`price` reaches \d\.\de5 and is not normalised$/);
    expect(plan.scaleHints[0]!.hint).toContain('data.normalize: true');
    plan.dispose();
  });
});

describe('saveModel', () => {
  it('writes model.json + weights.bin that tf.loadLayersModel reads back with identical predictions', async () => {
    const plan = await loadPlan(houses(KERAS), { cwd: ROOT });
    await stepPlan(plan, 5);
    const dir = await mkdtemp(join(tmpdir(), 'gclip-save-'));
    const saved = await saveModel(plan.model, dir, { normalization: plan.normalization });
    expect(saved.weightBytes).toBe(4 * (24 + 8 + 64 + 8 + 8 + 1));
    const reloaded = await tfjsReload(dir);
    expect(reloaded.getLayer('embed').trainable).toBe(false);
    const xs = tf.tensor2d([[0.1, -1, 2], [3, 0.5, -0.2]]);
    const a = plan.model.predict(xs) as Tensor;
    const b = reloaded.predict(xs) as Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    const again = await loadModelJson(saved.modelJson, nodeFileReader);
    const c = again.model.predict(xs) as Tensor;
    expect(Array.from(await c.data())).toEqual(Array.from(await a.data()));
    expect(JSON.parse(await readFile(saved.normalization!, 'utf8'))).toEqual(plan.normalization);
    tf.dispose([xs, a, b, c]);
    [reloaded, again.model].forEach((m) => m.dispose());
    plan.dispose();
  });
});

describe('Keras 3 spellings', () => {
  it('loads a converter file that uses batch_shape, DTypePolicy objects and {args, kwargs} inbound nodes', async () => {
    const { kerasModel } = await import('./fixtures.js');
    const { memoryFiles } = await import('../../src/models/files.js');
    const files = kerasModel();
    const doc = JSON.parse(files['models/keras/model.json'] as string);
    const layers = doc.modelTopology.model_config.config.layers;
    layers[0].config.batch_shape = layers[0].config.batch_input_shape;
    delete layers[0].config.batch_input_shape;
    for (const l of layers.slice(1)) {
      l.config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
      const [[[src, node, tensor]]] = l.inbound_nodes;
      l.inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 8], dtype: 'float32', keras_history: [src, node, tensor] } }], kwargs: {} }];
    }
    const read = memoryFiles({ 'k/model.json': JSON.stringify(doc), 'k/group1-shard1of1.bin': files['models/keras/group1-shard1of1.bin']! });
    const loaded = await loadModelJson('k/model.json', read);
    expect(loaded.model.layers.map((l) => l.name)).toEqual(['features', 'embed', 'hidden', 'price']);
    loaded.model.dispose();
  });
});
