import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from '../clip/global-norm.js';
import { runConfigSchema } from '../config/schema.js';
import { tryBackend } from '../runtime/backend.js';
import { tf } from '../runtime/tf.js';
import { updateSectionSize } from '../runtime/pack-layout.js';
import { buildPlan } from './setup.js';
import { computeStep } from './step.js';
import { createUpdateProposer } from './update-proposal.js';

// cpu-ops declines gclip's host kernels, as tfjs-node does, and takes the host update there
// (update-proposal.ts); the op path's update (`speculative`) is the reference.
beforeAll(async () => {
  expect((await tryBackend('cpu-ops')).loaded).toBe(true);
});

const config = (optimizer: 'adam' | 'sgd' | 'momentum' | 'rmsprop') =>
  runConfigSchema.parse({
    seed: 3,
    model: { kind: 'mlp', hidden: [12, 6] },
    data: { kind: 'regression', features: 5, samples: 96, batchSize: 16 },
    train: { steps: 6, optimizer, lr: 0.01 },
  });

/**
 * Six steps of the same run through the host update and through ops, side by side: step 3
 * is discarded (a skip), the others committed. Per step: the decoded numbers of each side,
 * whether the host side took the host path, and the weights after it.
 */
async function sideBySide(optimizer: Parameters<typeof config>[0]) {
  const strategy = clipByGlobalNorm({ maxNorm: 0.5 });
  const sides = [true, false].map((host) => {
    const plan = buildPlan(config(optimizer));
    return { plan, propose: createUpdateProposer(plan, strategy, host)! };
  });
  const steps = [];
  const tensors: number[] = [];
  for (let step = 0; step < 6; step++) {
    const out = [];
    for (const { plan, propose } of sides) {
      const t = computeStep(plan, strategy, {}, { step, normType: 2, evaluate: false });
      const proposal = propose(t.grads, t.packed);
      const read = await proposal.packed.data<'float32'>();
      const numbers = t.layout.decode(proposal.finish?.(read) ?? read);
      if (step === 3) await proposal.discard();
      else proposal.commit();
      tf.dispose([t.packed, proposal.packed, ...t.grads]);
      out.push({ numbers, hosted: proposal.finish !== undefined, weights: plan.vars.map((v) => [...v.dataSync()]) });
    }
    tensors.push(tf.memory().numTensors);
    steps.push({ host: out[0]!, ops: out[1]! });
  }
  for (const { plan } of sides) plan.dispose();
  return { steps, tensors };
}

describe('the host update in the loop (backends without host kernels: tfjs-node, cpu-ops)', () => {
  it.each(['adam', 'sgd', 'momentum', 'rmsprop'] as const)('%s: the weights of ops, bit for bit; the update norms to float32 rounding; one readback', async (optimizer) => {
    const { steps, tensors } = await sideBySide(optimizer);
    // Optimizers with slots take their first step through tfjs, which creates them.
    expect(steps.map((s) => s.host.hosted)).toEqual([optimizer !== 'sgd', true, true, true, true, true].map((x, i) => (i === 0 ? !x : x)));
    for (const [i, { host, ops }] of steps.entries()) {
      expect(host.weights, `weights after step ${i}`).toEqual(ops.weights);
      expect(host.numbers.loss).toBe(ops.numbers.loss);
      expect(host.numbers.preClipNorm).toBe(ops.numbers.preClipNorm);
      expect(host.numbers.updateAt).toBeGreaterThan(0);
      const layers = host.numbers.layout.layers;
      const section = (n: typeof host.numbers) => [...n.values.subarray(n.updateAt, n.updateAt + updateSectionSize(layers))];
      const [h, o] = [section(host.numbers), section(ops.numbers)];
      h.forEach((x, k) => expect(Math.abs(x - o[k]!)).toBeLessThanOrEqual(1e-6 * Math.abs(o[k]!)));
      expect(h[0]).toBeGreaterThan(0);
    }
    // The discarded step 3 left the weights as step 2 made them.
    expect(steps[3]!.host.weights).toEqual(steps[2]!.host.weights);
    // No tensor leaks from step to step once the slots exist.
    expect(new Set(tensors.slice(1)).size).toBe(1);
  });

  it('defers the global-norm step to the host: the numbers and weights of the fused host path on cpu, bit for bit', async () => {
    const strategy = clipByGlobalNorm({ maxNorm: 0.5 });
    const run = async (backend: 'cpu' | 'cpu-ops') => {
      expect((await tryBackend(backend)).loaded).toBe(true);
      // SGD has no slots, so every step can be deferred (an Adam run's first step measures with ops).
      const plan = buildPlan(config('sgd'));
      const propose = createUpdateProposer(plan, strategy)!;
      const steps = [];
      for (let step = 0; step < 5; step++) {
        const defer = propose.defers?.() ?? false;
        const t = computeStep(plan, strategy, {}, { step, normType: 2, evaluate: false, defer });
        const proposal = propose(t.grads, t.packed, t.host);
        const read = await proposal.packed.data<'float32'>();
        const values = [...t.layout.decode(proposal.finish?.(read) ?? read).values];
        proposal.commit();
        tf.dispose([t.packed, proposal.packed, ...t.grads]);
        steps.push({ defer, deferred: t.host !== undefined, values, weights: plan.vars.map((v) => [...v.dataSync()]) });
      }
      plan.dispose();
      return steps;
    };
    const ops = await run('cpu-ops');
    const host = await run('cpu');
    expect(ops.map((s) => [s.defer, s.deferred])).toEqual(Array(5).fill([true, true]));
    expect(host.map((s) => s.deferred)).toEqual(Array(5).fill(false));
    expect(ops.map((s) => s.values)).toEqual(host.map((s) => s.values));
    expect(ops.map((s) => s.weights)).toEqual(host.map((s) => s.weights));
    await tryBackend('cpu-ops');
  });
});
