/**
 * Bodies of the lstm, gru and cnn architectures (the head is added by `buildModel`).
 * Every layer has a stable name; weights are constructed as zeros and set from the PRNG.
 */
import { tf } from '../runtime/tf.js';
import { inputLayers, withInput, zeroInit, zeroRecurrentInit, type Layer, type ModelIO } from './layers.js';
import type { CnnModelConfig, GruModelConfig, LstmModelConfig } from '../config/schema.js';

/**
 * An LSTM or GRU layer named after its kind (`lstm`, `gru`), returning the last state.
 * Inputs [steps, channels]; tabular [features] is read as [features, 1].
 */
export function gatedLayers(config: LstmModelConfig | GruModelConfig, io: ModelIO): Layer[] {
  const layers = inputLayers(io.inputShape, config.kind, [2]);
  const options = { units: config.units, name: config.kind, ...withInput(layers, io.inputShape), ...zeroRecurrentInit };
  layers.push(config.kind === 'lstm' ? tf.layers.lstm({ ...options, unitForgetBias: false }) : tf.layers.gru(options));
  return layers;
}

/**
 * conv_i → pool_i for each entry of `filters` (1-D for [steps, channels], 2-D for
 * [height, width, channels]), then flatten and dense_1 … dense_n. Pooling is skipped for a
 * stage whose spatial size is below `pool`, so short inputs never shrink to zero.
 */
export function cnnLayers(config: CnnModelConfig, io: ModelIO): Layer[] {
  const layers = inputLayers(io.inputShape, config.kind, [2, 3]);
  const twoD = io.inputShape.length === 3;
  let spatial = twoD ? io.inputShape.slice(0, 2) : [io.inputShape[0]!];
  config.filters.forEach((filters, i) => {
    const conv = {
      filters,
      kernelSize: config.kernelSize,
      padding: 'same' as const,
      activation: config.activation,
      name: `conv_${i + 1}`,
      ...(i === 0 ? withInput(layers, io.inputShape) : {}),
      ...zeroInit,
    };
    layers.push(twoD ? tf.layers.conv2d(conv) : tf.layers.conv1d(conv));
    if (spatial.every((d) => d >= config.pool)) {
      const name = `pool_${i + 1}`;
      layers.push(twoD ? tf.layers.maxPooling2d({ poolSize: config.pool, name }) : tf.layers.maxPooling1d({ poolSize: config.pool, name }));
      spatial = spatial.map((d) => Math.floor(d / config.pool));
    }
  });
  layers.push(tf.layers.flatten({ name: 'flatten' }));
  config.dense.forEach((units, i) => layers.push(tf.layers.dense({ units, activation: config.activation, name: `dense_${i + 1}`, ...zeroInit })));
  return layers;
}
