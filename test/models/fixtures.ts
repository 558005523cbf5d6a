/**
 * Deterministic generators of the shipped fixtures: a house-price CSV and the same small
 * regression model in the two model.json layouts gclip loads. `fixtures.test.ts` checks
 * that the committed files equal these bytes; regenerate with
 *   UPDATE_FIXTURES=1 npx vitest run test/models/fixtures.test.ts
 */
import { createRng, type Rng } from '../../src/runtime/rng.js';
import { tf } from '../../src/runtime/tf.js';

/** Relative path (under fixtures/) → file content. */
export type FixtureFiles = Record<string, string | Uint8Array>;

const FEATURES = ['sqft', 'rooms', 'age'] as const;

function weights(shapes: number[][], rng: Rng): Float32Array[] {
  return shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 0.3 * rng.normal()));
}

function concatBytes(arrays: Float32Array[]): Uint8Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return new Uint8Array(out.buffer);
}

/**
 * 240 houses: sqft ~ U[500, 4000), rooms = 1 + ⌊sqft/800⌋ (capped at 6), age ~ U[0, 80),
 * city one of three (quoted, with a comma), price = 120·sqft + 9000·rooms − 900·age +
 * 40000·cityIndex + N(0, 20000²), rounded. Raw scales on purpose: sqft and price are
 * in the thousands and hundreds of thousands.
 */
export function housesCsv(): string {
  const rng = createRng(2024);
  const cities = ['"Portland, OR"', '"Austin, TX"', '"Boston, MA"'];
  const lines = ['sqft,rooms,age,city,price'];
  for (let i = 0; i < 240; i++) {
    const sqft = Math.round(500 + 3500 * rng.uniform());
    const rooms = Math.min(6, 1 + Math.floor(sqft / 800));
    const age = Math.round(80 * rng.uniform());
    const c = rng.int(3);
    const price = Math.round(120 * sqft + 9000 * rooms - 900 * age + 40000 * c + 20000 * rng.normal());
    lines.push([sqft, rooms, age, cities[c], price].join(','));
  }
  return lines.join('\n') + '\n';
}

const dense = (name: string, units: number, activation: string, trainable = true) => ({
  name,
  trainable,
  dtype: 'float32',
  units,
  activation,
  use_bias: true,
  kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
});

/**
 * The tensorflowjs_converter layout of a Keras 2.15 functional model: features [3] →
 * `embed` Dense(8, relu, **frozen**) → `hidden` Dense(8, tanh) → `price` Dense(1), loss
 * mean_squared_error. Written by hand in the converter's exact key layout
 * (`modelTopology.model_config`, `training_config`, `group1-shard1of1.bin`).
 */
export function kerasModel(): FixtureFiles {
  const layers = [
    { class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'features' }, name: 'features', inbound_nodes: [] },
    { class_name: 'Dense', config: dense('embed', 8, 'relu', false), name: 'embed', inbound_nodes: [[['features', 0, 0, {}]]] },
    { class_name: 'Dense', config: dense('hidden', 8, 'tanh'), name: 'hidden', inbound_nodes: [[['embed', 0, 0, {}]]] },
    { class_name: 'Dense', config: dense('price', 1, 'linear'), name: 'price', inbound_nodes: [[['hidden', 0, 0, {}]]] },
  ];
  const specs = [
    { name: 'embed/kernel', shape: [3, 8] },
    { name: 'embed/bias', shape: [8] },
    { name: 'hidden/kernel', shape: [8, 8] },
    { name: 'hidden/bias', shape: [8] },
    { name: 'price/kernel', shape: [8, 1] },
    { name: 'price/bias', shape: [1] },
  ];
  const doc = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Functional',
        config: { name: 'house_price', trainable: true, layers, input_layers: [['features', 0, 0]], output_layers: [['price', 0, 0]] },
      },
      training_config: {
        loss: 'mean_squared_error',
        metrics: null,
        weighted_metrics: null,
        loss_weights: null,
        optimizer_config: { class_name: 'Adam', config: { name: 'Adam', learning_rate: 0.001 } },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs.map((s) => ({ ...s, dtype: 'float32' })) }],
  };
  return {
    'models/keras/model.json': JSON.stringify(doc, null, 1) + '\n',
    'models/keras/group1-shard1of1.bin': concatBytes(weights(specs.map((s) => s.shape), createRng(7))),
  };
}

/**
 * A tfjs `model.save()` layout written by tfjs-layers itself: Sequential Dense(8, relu,
 * input [3], `dense_a`) → Dense(1, `out`), compiled with meanAbsoluteError so the file
 * carries a `trainingConfig`. Weights from the project PRNG (seed 8).
 */
export async function tfjsModel(): Promise<FixtureFiles> {
  const model = tf.sequential({
    name: 'house_mlp',
    layers: [
      tf.layers.dense({ units: 8, activation: 'relu', inputShape: [3], name: 'dense_a', kernelInitializer: 'zeros' }),
      tf.layers.dense({ units: 1, name: 'out', kernelInitializer: 'zeros' }),
    ],
  });
  const values = weights(model.getWeights().map((w) => w.shape), createRng(8));
  const tensors = values.map((v, i) => tf.tensor(v, model.getWeights()[i]!.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  model.compile({ optimizer: 'sgd', loss: 'meanAbsoluteError' });
  // What tfjs writes as `trainingConfig` when a compiled model is saved with its optimizer.
  const trainingConfig = (model as unknown as { getTrainingConfig(): tf.io.TrainingConfig }).getTrainingConfig();
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const a = artifacts!;
  const doc = {
    modelTopology: a.modelTopology,
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: ['./weights.bin'], weights: a.weightSpecs }],
    trainingConfig,
  };
  return {
    'models/tfjs/model.json': JSON.stringify(doc) + '\n',
    'models/tfjs/weights.bin': new Uint8Array(a.weightData as ArrayBuffer),
  };
}

/** Every generated fixture. */
export async function allFixtures(): Promise<FixtureFiles> {
  return { 'data/houses.csv': housesCsv(), ...kerasModel(), ...(await tfjsModel()) };
}

export { FEATURES };
