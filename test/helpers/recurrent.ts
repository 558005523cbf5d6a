/** A tfjs-layers recurrent layer run fused and as tfjs-layers itself, on the same weights and inputs. */
import { fuseRecurrentLayers } from '../../src/models/fused-recurrent.js';
import { tf } from '../../src/runtime/tf.js';
import { seededValues } from './numeric.js';

/** tfjs-layers' factory names of the three recurrent layers. */
export type RecurrentFactory = 'simpleRNN' | 'lstm' | 'gru';

/** One layer configuration and the shapes of a call. */
export interface RecurrentCase {
  readonly layer: RecurrentFactory;
  readonly options?: Record<string, unknown>;
  readonly batch: number;
  readonly steps: number;
  readonly features: number;
  readonly units: number;
  /** Pass initial states (h, and c for an LSTM) to the call. */
  readonly initialState?: boolean;
  /** Replaces every value of x (NaN, ±∞, 0 …), drawn at random per element; default normal. */
  readonly xValues?: readonly number[];
  /** Replaces every value of the output gradient r, as `xValues` for x. */
  readonly dyValues?: readonly number[];
  /** Scales the seeded weights (large weights saturate the activations). */
  readonly weightScale?: number;
}

/** What one call gives: the output, and the gradients of x, each weight and each initial state. */
export interface RecurrentResult {
  readonly y: Float32Array;
  /** In order: x, kernel, recurrent kernel, [bias], [h0, [c0]]. */
  readonly grads: Float32Array[];
}

/**
 * How the layer runs: `fused` (gclip's op), `layers` (tfjs-layers' `call`), or `cell`
 * (tfjs-layers' cell called once on the only time step: the reference for T = 1, where
 * tfjs-layers' own gradient fails in `unstack`'s gradient).
 */
export type RecurrentMode = 'fused' | 'layers' | 'cell';

type Cell = { call(inputs: tf.Tensor[], kwargs: object): tf.Tensor[] };

/**
 * Builds the case's layer with seeded weights and computes y = layer(x) and the gradients
 * of sum(y ⊙ r) (r a seeded tensor) on the active backend, run as `mode` says. Disposes
 * everything it made.
 */
export function runRecurrent(c: RecurrentCase, mode: RecurrentMode): RecurrentResult {
  const fused = mode === 'fused';
  const layer = tf.layers[c.layer]({ units: c.units, ...c.options }) as unknown as tf.layers.Layer;
  const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [c.steps, c.features] }), layer] });
  if (fused) fuseRecurrentLayers(model);
  const weights = layer.getWeights().map((w, i) => tf.tensor(seededValues(w.size, 10 + i).map((v) => v * (c.weightScale ?? 0.5)), w.shape));
  layer.setWeights(weights);
  tf.dispose(weights);
  const xValues = seededValues(c.batch * c.steps * c.features, 1, c.xValues);
  const states = c.initialState ? (c.layer === 'lstm' ? 2 : 1) : 0;
  try {
    return tf.tidy(() => {
      const x = tf.variable(tf.tensor3d(xValues, [c.batch, c.steps, c.features]));
      const h = Array.from({ length: states }, (_, i) => tf.variable(tf.tensor2d(seededValues(c.batch * c.units, 20 + i), [c.batch, c.units])));
      const cell = (layer as unknown as { cell: Cell }).cell;
      const zeros = () => Array.from({ length: c.layer === 'lstm' ? 2 : 1 }, () => tf.zeros([c.batch, c.units]));
      const sequences = c.options?.returnSequences === true;
      const call = (): tf.Tensor => {
        if (mode !== 'cell') return layer.apply(x, states > 0 ? { initialState: h } : {}) as tf.Tensor;
        const out = cell.call([tf.squeeze(x, [1]), ...(states > 0 ? h : zeros())], {})[0]!;
        return sequences ? tf.expandDims(out, 1) : out;
      };
      const y = call();
      const r = tf.tensor(seededValues(y.size, 30, c.dyValues), y.shape);
      const vars = [x, ...layer.trainableWeights.map((w) => w.read() as tf.Variable), ...h];
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(call(), r)), vars);
      const out = { y: y.dataSync() as Float32Array, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
      for (const v of [x, ...h]) v.dispose();
      return out;
    });
  } finally {
    model.dispose();
  }
}
