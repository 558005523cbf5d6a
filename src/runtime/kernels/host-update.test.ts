import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { tf, type Optimizer, type Tensor, type Variable } from '../tf.js';
import { createHostUpdate, flushHostState } from './host-update.js';

// The host update is backend-agnostic (tensors in, tensors assigned); tfjs-node runs it in
// gclip's loop, and test/node-backend checks it there. Here it runs on cpu against tfjs's
// own applyGradients on cpu, which tfjs-node's eager ops reproduce bit for bit.
const SHAPES = [[7, 5], [5], [3, 3, 2, 4], [40, 50]];
const LAYER_OF = [0, 0, 1, 1];
const STEPS = 20;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Gradients of `step`: normal values at a scale that changes from step to step, some exact zeros, and from step 16 on a NaN and an ∞. */
function gradsAt(step: number): Tensor[] {
  const rng = createRng(50 + step);
  const scale = [1, 1e-3, 30, 1e-20][step % 4]!;
  return SHAPES.map((s, j) => {
    const values = Float32Array.from({ length: size(s) }, (_, i) => (i % 9 === 2 ? 0 : rng.normal() * scale));
    if (step >= 16 && j === 2) [values[1], values[4]] = [Number.NaN, Number.POSITIVE_INFINITY];
    return tf.tensor(values, s);
  });
}

interface Run {
  readonly weights: Float32Array[];
  readonly state: Float32Array[];
  readonly iterations: number;
  /** Steps the host update took, and the state tensors each read back. */
  readonly hosted: number;
  readonly reads: number[];
  /** Per host step: the per-layer Σ(Δw)² it returned and the same from the weights before and after. */
  readonly sums: Array<{ got: number[]; want: number[] }>;
}

function float64Sums(before: Float32Array[], after: Float32Array[]): number[] {
  const du2 = [0, 0];
  before.forEach((b, j) => b.forEach((x, i) => (du2[LAYER_OF[j]!]! += (after[j]![i]! - x) ** 2)));
  return du2;
}

/**
 * `STEPS` steps from the same weights through `applyGradients` or the host update (the
 * test does the readback: gradients, then the tensors the step asks for). At step 8 every
 * weight and slot is assigned anew (weights halved), as a rollback's restore does; at step 12
 * the learning rate changes (SGD and momentum rebuild their −lr tensor).
 */
async function train(host: boolean, make: () => Optimizer): Promise<Run> {
  const rng = createRng(1);
  const vars: Variable[] = SHAPES.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(Float32Array.from({ length: size(s) }, () => rng.normal()), s), true, `hu${i}_${host}`)));
  const optimizer = make();
  const update = createHostUpdate(optimizer, vars, { layerOf: LAYER_OF, layers: 2 })!;
  const reads: number[] = [];
  const sums: Run['sums'] = [];
  let hosted = 0;
  for (let step = 0; step < STEPS; step++) {
    const grads = gradsAt(step);
    if (step === 8) {
      // New tensors (a clone would share the variable's data, and its dataId): halved weights, the same slots.
      flushHostState(optimizer); // as gclip's snapshots do before reading the state
      const [iter, ...slots] = await optimizer.getWeights();
      iter!.tensor.dispose();
      for (const v of vars) tf.tidy(() => v.assign(tf.mul(v, 0.5)));
      for (const v of slots.map((w) => w.tensor as Variable)) tf.tidy(() => v.assign(tf.add(v, 0)));
    }
    if (step === 12) {
      const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
      if (o.setLearningRate) o.setLearningRate(o.learningRate / 4);
      else o.learningRate /= 4;
    }
    const pending = host ? update(grads) : null;
    if (!pending) {
      optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    } else {
      hosted++;
      reads.push(pending.reads.length);
      const before = vars.map((v) => v.dataSync() as Float32Array);
      const packed = tf.tidy(() => tf.concat([...grads, ...pending.reads].map((t) => tf.reshape(t, [-1]))));
      const got = pending.run(packed.dataSync() as Float32Array, 0);
      packed.dispose();
      pending.commit();
      sums.push({ got: [...got.du2], want: float64Sums(before, vars.map((v) => v.dataSync() as Float32Array)) });
    }
    tf.dispose(grads);
  }
  const weights = vars.map((v) => v.dataSync() as Float32Array);
  flushHostState(optimizer);
  const [iter, ...moments] = await optimizer.getWeights();
  iter!.tensor.dispose();
  const state = moments.map((w) => w.tensor.dataSync() as Float32Array);
  const adam = optimizer as unknown as { accBeta1?: Tensor; accBeta2?: Tensor };
  if (adam.accBeta1 && adam.accBeta2) state.push(adam.accBeta1.dataSync() as Float32Array, adam.accBeta2.dataSync() as Float32Array);
  const iterations = optimizer.iterations;
  if (optimizer.getClassName() === 'Momentum') (optimizer as unknown as { c: Tensor }).c.dispose();
  optimizer.dispose();
  tf.dispose(vars);
  return { weights, state, iterations, hosted, reads, sums };
}

describe('host update (the optimizer step of tfjs-node runs)', () => {
  const OPTIMIZERS = [
    { name: 'Adam lr 1e-3', make: () => tf.train.adam(1e-3), slots: 2, scalars: 2 },
    { name: 'SGD lr 0.1', make: () => tf.train.sgd(0.1), slots: 0, scalars: 1 },
    { name: 'Nesterov momentum 0.7', make: () => tf.train.momentum(0.03, 0.7, true), slots: 1, scalars: 2 },
    { name: 'RMSprop centered, momentum 0.5', make: () => tf.train.rmsprop(0.01, 0.95, 0.5, 1e-6, true), slots: 3, scalars: 0 },
  ];
  it.each(OPTIMIZERS)("gives tfjs's weights, slots, scalars and iterations bit for bit: $name", async ({ make, slots, scalars }) => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const reference = await train(false, make);
    const host = await train(true, make);
    expect(host.weights).toEqual(reference.weights);
    expect(host.state).toEqual(reference.state);
    expect(host.iterations).toBe(STEPS);
    // Optimizers with slots leave the first step to tfjs (it creates them).
    const first = slots > 0 ? 1 : 0;
    expect(host.hosted).toBe(STEPS - first);
    // Every state tensor is read on the first host step, the weights and slots after the
    // restore at step 8, the new −lr tensor of SGD and momentum after step 12; nothing else.
    const perVariable = SHAPES.length * (1 + slots);
    const lrTensor = scalars > 0 && slots < 2 ? 1 : 0;
    const expected = Array.from({ length: STEPS - first }, (_, i) => i + first).map((s) => (s === first ? perVariable + scalars : s === 8 ? perVariable : s === 12 ? lrTensor : 0));
    expect(host.reads).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns per-layer Σ(Δw)² in float64 (finite steps)', async () => {
    await tf.setBackend('cpu');
    const run = await train(true, () => tf.train.adam(0.01));
    for (const s of run.sums.slice(0, 14)) s.got.forEach((g, l) => expect(g).toBeCloseTo(s.want[l]!, 12));
  });

  it.each([false, true])('leaves the slots on the host until flushHostState writes them (by a new host update: %s)', async (viaNew) => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.ones([3]), true, 'hu_flush');
    const g = tf.ones([3]);
    const adam = tf.train.adam(0.1);
    const update = createHostUpdate(adam, [w], { layerOf: [0], layers: 1 })!;
    adam.applyGradients([{ name: w.name, tensor: g }]); // creates the slots
    const m = () => (adam as unknown as { accumulatedFirstMoment: Array<{ variable: Variable }> }).accumulatedFirstMoment[0]!.variable;
    const step = update([g])!;
    const packed = tf.tidy(() => tf.concat([g, ...step.reads].map((t) => tf.reshape(t, [-1]))));
    const values = packed.dataSync() as Float32Array;
    packed.dispose();
    step.run(values, 0);
    step.commit();
    expect([...m().dataSync()]).toEqual([0.1, 0.1, 0.1].map(Math.fround)); // m after tfjs's first step
    // An explicit flush, or a new host update of the same optimizer (a later loop on the plan).
    if (viaNew) createHostUpdate(adam, [w], { layerOf: [0], layers: 1 });
    else flushHostState(adam);
    expect([...m().dataSync()]).toEqual([0.19, 0.19, 0.19].map(Math.fround)); // m·0.9 + g·0.1
    adam.dispose();
    tf.dispose([w, g]);
  });

  it('declines optimizers without a rule and steps whose slots do not exist yet', async () => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.ones([3]), true, 'hu_decline');
    const g = tf.ones([3]);
    expect(createHostUpdate(tf.train.adagrad(0.1), [w], { layerOf: [0], layers: 1 })).toBeNull();
    const adam = tf.train.adam(0.1);
    expect(createHostUpdate(adam, [w], { layerOf: [0], layers: 1 })!([g])).toBeNull();
    adam.dispose();
    tf.dispose([w, g]);
  });

  it('refuses a commit without a run', async () => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.ones([3]), true, 'hu_order');
    const g = tf.ones([3]);
    const sgd = tf.train.sgd(0.1);
    expect(() => createHostUpdate(sgd, [w], { layerOf: [0], layers: 1 })!([g])!.commit()).toThrow(/commit before run/);
    sgd.dispose();
    tf.dispose([w, g]);
  });
});
