import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { createRng } from '../rng.js';
import { tf, type Optimizer, type Tensor, type Variable } from '../tf.js';
import { UPDATE_KERNEL, createApplyGradients } from './optimizer-update.js';

const SHAPES = [[7, 5], [5], [3, 3, 2, 4], [1], [40, 50]];

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40, -0, 3e38];

/**
 * Gradients of step `step`: normal values at a scale that changes from step to step (1e-30
 * to 1e12) with some exact zeros; from step 22 on, some NaN, ±∞, float32 denormals, −0 and
 * values near the float32 maximum as well.
 */
function gradsAt(step: number, shapes: readonly number[][] = SHAPES): Float32Array[] {
  const rng = createRng(100 + step);
  const scale = [1, 1e-3, 30, 1e-30, 1e12][step % 5]!;
  return shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => (i % 11 === 3 ? 0 : step >= 22 && i % 5 === 1 ? SPECIAL[(i + step) % SPECIAL.length]! : rng.normal() * scale)));
}

interface Run {
  readonly weights: Float32Array[];
  readonly state: Float32Array[];
  readonly iterations: number;
  readonly fusedCalls: number;
}

/** Runs `body` counting dispatches of the fused kernel. */
async function countFused(body: () => unknown): Promise<{ fusedCalls: number }> {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let fusedCalls = 0;
  engine.runKernel = function (name: string, ...rest: unknown[]) {
    if (name === UPDATE_KERNEL) fusedCalls++;
    return runKernel.call(this, name, ...rest);
  };
  try {
    await body();
  } finally {
    engine.runKernel = runKernel;
  }
  return { fusedCalls };
}

/** `steps` steps from the same weights, through `applyGradients` or through the fused update; lr changed at step 12. */
async function train(fused: boolean, make: () => Optimizer, steps: number, o: { name?: (i: number) => string; switchTo?: string; shapes?: number[][] } = {}): Promise<Run> {
  const rng = createRng(1);
  const name = o.name ?? ((i: number) => `w${i}_${fused}`);
  const shapes = o.shapes ?? SHAPES;
  const vars: Variable[] = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()), s), true, name(i))));
  const optimizer = make();
  const apply = createApplyGradients(optimizer, vars);
  const { fusedCalls } = await countFused(async () => {
    for (let step = 0; step < steps; step++) {
      const grads: Tensor[] = gradsAt(step, shapes).map((g, i) => tf.tensor(g, shapes[i]));
      if (step === 12) {
        // A caller's schedule: SGD and momentum keep −lr in a tensor that setLearningRate rebuilds.
        const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
        if (o.setLearningRate) o.setLearningRate(o.learningRate / 4);
        else o.learningRate /= 4;
      }
      if (fused) apply(grads);
      else optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
      tf.dispose(grads);
      if (step === 0 && o.switchTo) await tf.setBackend(o.switchTo); // weights and slots now live on the other backend
    }
  });
  const weights = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
  const [iterationsTensor, ...moments] = await optimizer.getWeights();
  iterationsTensor!.tensor.dispose();
  const state = await Promise.all(moments.map(async (w) => (await w.tensor.data()) as Float32Array));
  const adam = optimizer as unknown as { accBeta1?: Tensor; accBeta2?: Tensor; iterations: number };
  if (adam.accBeta1 && adam.accBeta2) state.push((await adam.accBeta1.data()) as Float32Array, (await adam.accBeta2.data()) as Float32Array);
  const iterations = adam.iterations;
  // tfjs's MomentumOptimizer.dispose forgets the −lr tensor it inherits from SGD.
  if (optimizer.getClassName() === 'Momentum') (optimizer as unknown as { c: Tensor }).c.dispose();
  optimizer.dispose();
  tf.dispose(vars);
  return { weights, state, iterations, fusedCalls };
}

useWasmBackend();

describe('fused optimizer update', () => {
  // firstFused: the first step the kernel takes (optimizers with slots let tfjs create them on step 0).
  const OPTIMIZERS = [
    { name: 'Adam, tfjs defaults, lr 1e-3', make: () => tf.train.adam(1e-3), firstFused: 1, slots: 2 },
    { name: 'Adam, lr 0.05, β1 0.8, β2 0.99, ε 1e-8', make: () => tf.train.adam(0.05, 0.8, 0.99, 1e-8), firstFused: 1, slots: 2 },
    { name: 'SGD, lr 0.1', make: () => tf.train.sgd(0.1), firstFused: 0, slots: 0 },
    { name: 'momentum 0.9, lr 0.01', make: () => tf.train.momentum(0.01, 0.9), firstFused: 1, slots: 1 },
    { name: 'Nesterov momentum 0.7, lr 0.03', make: () => tf.train.momentum(0.03, 0.7, true), firstFused: 1, slots: 1 },
    { name: 'RMSprop as gclip makes it (ρ 0.9, no momentum, ε 1e-7)', make: () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7), firstFused: 1, slots: 2 },
    { name: 'RMSprop centered, momentum 0.5', make: () => tf.train.rmsprop(0.01, 0.95, 0.5, 1e-6, true), firstFused: 1, slots: 3 },
  ];
  for (const backend of ['wasm', 'cpu']) {
    it.each(OPTIMIZERS)(`gives tfjs's weights, slots, scalars and iterations bit for bit on ${backend}: $name`, async ({ make, firstFused, slots }) => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const reference = await train(false, make, 25);
      const fused = await train(true, make, 25);
      expect(fused.fusedCalls).toBe(25 - firstFused);
      expect(reference.state.length).toBeGreaterThanOrEqual(slots * SHAPES.length);
      expect(fused.weights).toEqual(reference.weights);
      expect(fused.state).toEqual(reference.state);
      expect(fused.iterations).toBe(25);
      expect(reference.iterations).toBe(25);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('matches tfjs with integer-like variable names (slots stay in variable order)', async () => {
    await tf.setBackend('wasm');
    const names = ['920', '910', '930', '900', '905'];
    const make = () => tf.train.adam(0.01);
    const reference = await train(false, make, 6, { name: (i) => `${names[i]}` });
    const fused = await train(true, make, 6, { name: (i) => `${names[i]}` });
    expect(fused.fusedCalls).toBe(5);
    expect(fused.weights).toEqual(reference.weights);
  });

  it('matches tfjs when the weights and slots were made on another backend (cpu, then wasm)', async () => {
    // (src/runtime/kernels/host-io.test.ts checks that kernels get such inputs moved first.)
    const shapes = [[64, 33], [5]];
    await tf.setBackend('cpu');
    const make = () => tf.train.adam(0.01);
    const reference = await train(false, make, 3, { switchTo: 'wasm', shapes });
    await tf.setBackend('cpu');
    const fused = await train(true, make, 3, { switchTo: 'wasm', shapes });
    expect(fused.fusedCalls).toBe(2);
    expect(fused.weights).toEqual(reference.weights);
    expect(fused.state).toEqual(reference.state);
  });

  it('leaves a subclass to its own applyGradients', async () => {
    await tf.setBackend('wasm');
    class CountingAdam extends tf.AdamOptimizer {
      calls = 0;
      override applyGradients(g: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
        this.calls++;
        super.applyGradients(g);
      }
    }
    const w = tf.variable(tf.ones([3]), true, 'counting_w');
    const adam = new CountingAdam(0.1, 0.9, 0.999);
    const g = tf.ones([3]);
    const apply = createApplyGradients(adam, [w]);
    const { fusedCalls } = await countFused(() => [0, 1, 2].forEach(() => apply([g])));
    expect(fusedCalls).toBe(0);
    expect(adam.calls).toBe(3);
    tf.dispose([w, g]);
    adam.dispose();
  });

  it('leaves a reused optimizer whose moments belong to other variables to tfjs (and its error)', async () => {
    await tf.setBackend('wasm');
    const adam = tf.train.adam(0.1);
    const a = tf.variable(tf.ones([4]), true, 'reuse_a');
    const b = tf.variable(tf.ones([2, 3]), true, 'reuse_b');
    const ga = tf.ones([4]);
    const gb = tf.ones([2, 3]);
    createApplyGradients(adam, [a])([ga]); // moments of shape [4]
    expect(() => createApplyGradients(adam, [b])([gb])).toThrow();
    expect([...(await b.data())]).toEqual([1, 1, 1, 1, 1, 1]); // nothing half-applied
    tf.dispose([a, b, ga, gb]);
    adam.dispose();
  });

  it('leaves other optimizers to tfjs', async () => {
    await tf.setBackend('wasm');
    const w = tf.variable(tf.ones([3]), true, 'adagrad_w');
    const adagrad = tf.train.adagrad(0.5);
    const g = tf.ones([3]);
    const { fusedCalls } = await countFused(() => createApplyGradients(adagrad, [w])([g]));
    expect(fusedCalls).toBe(0);
    expect(adagrad.iterations).toBe(1);
    tf.dispose([w, g]);
    adagrad.dispose();
  });
});
