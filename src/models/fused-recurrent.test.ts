/**
 * The fused SimpleRNN, LSTM and GRU against tfjs-layers on the cpu backend (the
 * reference): the output, and the gradients of x, every weight and the initial states,
 * over activations, layer options, sizes, T = 1, T = 200 and non-finite inputs.
 *
 * Tolerance (docs/backends.md): on cpu the output and the gradients of x and of the
 * initial states are tfjs-layers' bit for bit (same float32 ops in the same order, same
 * cpu matmul); the weight gradients, which the kernel sums over all steps in one product
 * where tfjs adds per-step products, are within 1e-5 of the reference's scale
 * (max |Δ| ≤ 1e-5 · max |ref|). On wasm everything is within 1e-5 of the cpu reference's
 * scale (XNNPACK's blocked sums; tanh and sigmoid within 1 ulp of `Math`'s). Measured: ≤ 1.5e-6 on cpu
 * and ≤ 3.7e-6 on wasm (GRU with linear gates), where tfjs-layers' own wasm result is
 * ≤ 2.5e-6 from its cpu one. Non-finite values are at the same positions, with the same value.
 */
import { describe, expect, it } from 'vitest';
import { runRecurrent, type RecurrentCase, type RecurrentFactory } from '../../test/helpers/recurrent.js';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';

const TOLERANCE = 1e-5;
const SHAPE = { batch: 4, steps: 7, features: 3, units: 5 };

/** Cases for one layer; `cellReference` marks those tfjs-layers cannot differentiate (T = 1). */
function casesFor(layer: RecurrentFactory): (RecurrentCase & { name: string; cellReference?: boolean })[] {
  const nonFinite = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 0.5, -1.5, 2, -0.25];
  return [
    { name: 'defaults (tanh, hardSigmoid gates)', layer, ...SHAPE },
    { name: 'returnSequences, goBackwards, initial states', layer, ...SHAPE, options: { returnSequences: true, goBackwards: true }, initialState: true },
    { name: 'returnSequences', layer, ...SHAPE, options: { returnSequences: true } },
    { name: 'goBackwards, last state', layer, ...SHAPE, options: { goBackwards: true } },
    { name: 'relu, sigmoid gates, no bias', layer, ...SHAPE, options: { activation: 'relu', recurrentActivation: 'sigmoid', useBias: false } },
    { name: 'elu, tanh gates', layer, ...SHAPE, options: { activation: 'elu', recurrentActivation: 'tanh' } },
    { name: 'linear, relu gates', layer, ...SHAPE, options: { activation: 'linear', recurrentActivation: 'relu' } },
    { name: 'sigmoid, linear gates', layer, ...SHAPE, options: { activation: 'sigmoid', recurrentActivation: 'linear' } },
    { name: 'hardSigmoid, elu gates', layer, ...SHAPE, options: { activation: 'hardSigmoid', recurrentActivation: 'elu' } },
    { name: 'large weights (saturated activations)', layer, ...SHAPE, weightScale: 3 },
    { name: 'batch 1, one feature, one unit', layer, batch: 1, steps: 5, features: 1, units: 1 },
    { name: 'T = 200, returnSequences', layer, batch: 3, steps: 200, features: 3, units: 5, options: { returnSequences: true } },
    { name: 'zero inputs', layer, ...SHAPE, xValues: [0] },
    { name: 'NaN, ±∞ and zeros among the inputs', layer, batch: 6, steps: 3, features: 2, units: 4, xValues: nonFinite },
    { name: 'NaN and ±∞ in the output gradient, saturated gates', layer, ...SHAPE, options: { returnSequences: true }, weightScale: 3, dyValues: nonFinite },
    { name: 'T = 1 (reference: the cell)', layer, ...SHAPE, steps: 1, cellReference: true },
    { name: 'T = 1, returnSequences, initial states (reference: the cell)', layer, ...SHAPE, steps: 1, options: { returnSequences: true }, initialState: true, cellReference: true },
  ];
}

/**
 * Same non-finite values at the same positions; finite values within `tol` · max |ref|
 * (the reference's scale; all-zero references must be matched exactly).
 */
function expectClose(got: Float32Array, ref: Float32Array, tol: number): void {
  expect(got.length).toBe(ref.length);
  const special = (a: Float32Array) => Array.from(a, (v) => (Number.isFinite(v) ? 'finite' : String(v)));
  expect(special(got)).toEqual(special(ref));
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    if (!Number.isFinite(ref[i]!)) continue;
    diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  expect(diff).toBeLessThanOrEqual(tol * scale);
}

describe.each(['simpleRNN', 'lstm', 'gru'] as const)('fused %s against tfjs-layers on cpu', (layer) => {
  it.each(casesFor(layer))('$name', async (c) => {
    await initBackend('cpu');
    const before = tf.memory().numTensors;
    const ref = runRecurrent(c, c.cellReference ? 'cell' : 'layers');
    const cpu = runRecurrent(c, 'fused');
    await initBackend('wasm');
    const wasm = runRecurrent(c, 'fused');
    await initBackend('cpu');
    expect(tf.memory().numTensors).toBe(before);

    expect(cpu.y).toEqual(ref.y);
    const weights = ref.grads.length - (c.initialState ? (layer === 'lstm' ? 2 : 1) : 0);
    ref.grads.forEach((g, i) => {
      if (i === 0 || i >= weights) expect(cpu.grads[i]).toEqual(g);
      else expectClose(cpu.grads[i]!, g, TOLERANCE);
    });
    expectClose(wasm.y, ref.y, TOLERANCE);
    ref.grads.forEach((g, i) => expectClose(wasm.grads[i]!, g, TOLERANCE));
  });
});
