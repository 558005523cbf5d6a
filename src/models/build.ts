/**
 * Built-in architectures with stable layer names and weights drawn from the project PRNG,
 * so the same seed gives the same model, bit for bit, on every backend and in every
 * process (tfjs's auto-names use a global counter; its initialisers use backend RNG).
 */
import type { InitConfig, ModelConfig } from '../config/schema.js';
import { internalError } from '../errors.js';
import type { Rng } from '../runtime/rng.js';
import { tf, type LayersModel } from '../runtime/tf.js';
import { cnnLayers, gatedLayers } from './extra-layers.js';
import { fuseRecurrentLayers } from './fused-recurrent.js';
import { initWeights } from './init.js';
import { inputLayers, withInput, zeroInit, zeroRecurrentInit, type Layer, type ModelIO } from './layers.js';


export type { ModelIO } from './layers.js';

/** Initialisers for the two kinds of weight matrices; biases are always zero-based. */
export interface WeightInits {
  /** Every input/feed-forward kernel (names ending in `/kernel`), the output head included. */
  readonly kernel: InitConfig;
  /** Recurrent kernels (names ending in `/recurrent_kernel`); defaults to `kernel`. */
  readonly recurrent?: InitConfig;
}

function mlpLayers(config: Extract<ModelConfig, { kind: 'mlp' }>, io: ModelIO): Layer[] {
  const layers = inputLayers(io.inputShape, config.kind);
  config.hidden.forEach((units, i) => {
    const first = i === 0 ? withInput(layers, io.inputShape) : {};
    layers.push(tf.layers.dense({ units, activation: config.activation, name: `dense_${i + 1}`, ...first, ...zeroInit }));
  });
  return layers;
}

function rnnLayers(config: Extract<ModelConfig, { kind: 'rnn' }>, io: ModelIO): Layer[] {
  const layers = inputLayers(io.inputShape, config.kind, [2]);
  const rnn = tf.layers.simpleRNN({
    units: config.units,
    activation: config.activation,
    name: 'rnn',
    ...withInput(layers, io.inputShape),
    ...zeroRecurrentInit,
  });
  return [...layers, rnn];
}

/**
 * Sets every weight of `model` from the PRNG: kernels from `inits.kernel`, recurrent
 * kernels from `inits.recurrent`, biases zero, except an LSTM's forget-gate bias, which is
 * 1 (Keras `unit_forget_bias`, Jozefowicz et al. 2015). Each weight draws from its own
 * stream `rng.fork('init:' + originalName)`, so adding a layer never changes the others.
 * Uses `model.setWeights` and disposes the temporaries: the tensor count is unchanged.
 */
export function initModelWeights(model: LayersModel, inits: WeightInits, rng: Rng): void {
  const values = model.weights.map((w) => {
    const name = w.originalName;
    const shape = w.shape.map((d) => d ?? 1);
    let data: Float32Array;
    if (name.endsWith('/recurrent_kernel')) data = initWeights(inits.recurrent ?? inits.kernel, shape, rng.fork(`init:${name}`));
    else if (name.endsWith('/kernel')) data = initWeights(inits.kernel, shape, rng.fork(`init:${name}`));
    else data = biasValues(model, name, shape);
    return tf.tensor(data, shape, 'float32');
  });
  model.setWeights(values);
  tf.dispose(values);
}

function biasValues(model: LayersModel, name: string, shape: number[]): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const layer = model.layers.find((l) => name.startsWith(`${l.name}/`));
  if (layer?.getClassName() === 'LSTM') {
    // Keras gate order i, f, c, o: the forget gate is the second quarter.
    const units = out.length / 4;
    out.fill(1, units, 2 * units);
  }
  return out;
}

/** Any built-in architecture's config (every model kind but `file`). */
export type BuiltinModelConfig = Exclude<ModelConfig, { kind: 'file' }>;

function bodyLayers(config: BuiltinModelConfig, io: ModelIO): Layer[] {
  switch (config.kind) {
    case 'mlp':
      return mlpLayers(config, io);
    case 'rnn':
      return rnnLayers(config, io);
    case 'lstm':
    case 'gru':
      return gatedLayers(config, io);
    case 'cnn':
      return cnnLayers(config, io);
  }
}

/**
 * Builds a built-in model for inputs of `io.inputShape` and `io.outputDim` outputs, with
 * stable names and seeded weights.
 *
 * - `mlp`: [flatten if the input has rank > 1] → dense_1 … dense_n (`hidden` units, the
 *   activation) → head (linear, outputDim).
 * - `rnn` / `lstm` / `gru`: [reshape [features] → [features, 1] if the input is tabular]
 *   → a layer named after the kind (`units`, last state only) → head. `rnn` is SimpleRNN
 *   with `activation` (tanh by default); lstm and gru use tanh with hard-sigmoid gates
 *   (tfjs-layers' default `recurrentActivation`).
 * - `cnn`: conv_i (+ pool_i) per `filters` entry → flatten → dense_i → head
 *   (see `cnnModelSchema`).
 *
 * The recurrent layer runs as one fused op on wasm and cpu (`fuseRecurrentLayers`).
 * Kernels (the head's included) use `config.init`, recurrent kernels
 * `config.recurrentInit`, biases are 0 (see {@link initModelWeights}). The model is not
 * compiled; it outputs logits for classification (pair it with `lossFor`).
 * Throws `model_input_mismatch` (exit 2) when the input rank does not fit the kind
 * (recurrent: rank 1 or 2; cnn: rank 1, 2 or 3).
 *
 * @example
 * const model = buildModel(rnnModelSchema.parse({ kind: 'rnn', units: 6 }), { inputShape: [20, 2], outputDim: 1 }, createRng(0));
 * layerGroups(model).names; // ['rnn', 'head']
 */
export function buildModel(config: BuiltinModelConfig, io: ModelIO, rng: Rng): LayersModel {
  const head = tf.layers.dense({ units: io.outputDim, name: 'head', ...zeroInit });
  const model = tf.sequential({ name: `gclip_${config.kind}`, layers: [...bodyLayers(config, io), head] });
  const recurrent = 'recurrentInit' in config ? config.recurrentInit : undefined;
  initModelWeights(model, recurrent ? { kernel: config.init, recurrent } : { kernel: config.init }, rng.fork('model'));
  fuseRecurrentLayers(model);
  return model;
}

/** Trainable weights grouped by layer, for per-layer gradient norms. */
export interface LayerGroups {
  /** Names of the layers that own at least one trainable weight, in model order. */
  readonly names: string[];
  /** For each `model.trainableWeights[i]`, the index in `names` of its layer. */
  readonly varLayer: number[];
  /** For each `model.trainableWeights[i]`, its stable name (`dense_1/kernel`), free of tfjs's uniquifying suffix (`_1`). */
  readonly weightNames: string[];
}

/**
 * Maps each trainable weight of `model` to its layer. Layers without trainable weights
 * (flatten, reshape, pooling, frozen layers) are left out of `names`.
 * Works for any LayersModel, loaded ones included. Throws an internal error if a weight
 * belongs to no layer (a tfjs invariant).
 */
export function layerGroups(model: LayersModel): LayerGroups {
  const owner = new Map<string, string>();
  for (const layer of model.layers) for (const w of layer.trainableWeights) owner.set(w.name, layer.name);
  const names: string[] = [];
  const indexOf = new Map<string, number>();
  const varLayer = model.trainableWeights.map((w) => {
    const layer = owner.get(w.name);
    if (layer === undefined) throw internalError('weight_without_layer', `weight ${w.name} belongs to no layer of ${model.name}`);
    if (!indexOf.has(layer)) indexOf.set(layer, names.push(layer) - 1);
    return indexOf.get(layer)!;
  });
  return { names, varLayer, weightNames: model.trainableWeights.map((w) => w.originalName) };
}
