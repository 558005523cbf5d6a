import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { tf, type Tensor } from '../runtime/tf.js';
import { STEP_NORMS_KERNEL, stepNorms } from './step-norms.js';
import { layerNorms, measureNorms } from './norms.js';
import { closeTo, refNorm, type RefOrder } from '../../test/helpers/reference-norms.js';

const ORDERS: RefOrder[] = [1, 2, 3, 'inf'];
const GROUPS = [[0, 1], [2], []];

function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 7.1 + i * 1.3) * (i % 5 === 0 ? 40 : 2)));
}

function run(grads: number[][], weights: number[][], p: RefOrder) {
  return tf.tidy(() => {
    const r = stepNorms(grads.map((g) => tf.tensor1d(g)), weights.map((w) => tf.tensor1d(w)), GROUPS, p);
    return { tensorNorms: [...r.tensorNorms.dataSync()], total: r.totalNorm.dataSync()[0]!, summary: [...r.summary.dataSync()], weightsSum: r.weightsSum.dataSync()[0]!, shapes: [r.tensorNorms.shape, r.totalNorm.shape, r.summary.shape] };
  });
}

describe.each(['wasm', 'cpu'] as const)('stepNorms on %s (one fused kernel)', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  const grads = [values(7, 1), values(12, 2), values(5, 3)];

  it.each(ORDERS)('matches the float64 reference per tensor, per group and in total for p=%s', (p) => {
    const r = run(grads, [values(4, 9)], p);
    const n = grads.map((g) => refNorm(g, p));
    // Groups: [0, 1] is the norm of both tensors' entries; [] is empty (norm 0).
    const group01 = refNorm([...grads[0]!, ...grads[1]!], p);
    const total = refNorm(grads.flat(), p);
    r.tensorNorms.forEach((x, j) => expect(closeTo(x, n[j]!, 1e-6, 1e-30)).toBe(true));
    expect(closeTo(r.total, total, 1e-6, 1e-30)).toBe(true);
    expect(r.summary).toHaveLength(1 + GROUPS.length);
    expect(closeTo(r.summary[0]!, total, 1e-6, 1e-30)).toBe(true);
    expect(closeTo(r.summary[1]!, group01, 1e-6, 1e-30)).toBe(true);
    expect(closeTo(r.summary[2]!, n[2]!, 1e-6, 1e-30)).toBe(true);
    expect(r.summary[3]).toBe(0);
    expect(r.shapes).toEqual([[3], [], [4]]);
  });

  it.each(ORDERS)('agrees with measureNorms + layerNorms (the op kernels) for p=%s', (p) => {
    const r = run(grads, [], p);
    const ops = tf.tidy(() => {
      const m = measureNorms(grads.map((g) => tf.tensor1d(g)), p);
      return { tn: [...m.tensorNorms.dataSync()], total: m.totalNorm.dataSync()[0]!, layers: [...layerNorms(m.tensorNorms, GROUPS, p).dataSync()] };
    });
    r.tensorNorms.forEach((x, j) => expect(closeTo(x, ops.tn[j]!, 2e-6, 1e-30)).toBe(true));
    expect(closeTo(r.total, ops.total, 2e-6, 1e-30)).toBe(true);
    r.summary.slice(1).forEach((x, i) => expect(closeTo(x, ops.layers[i]!, 2e-6, 1e-30)).toBe(true));
  });

  it('propagates NaN and inf to the tensor, its group and the total only', () => {
    const r = run([[1, NaN], [Infinity, 2], [3, 4]], [], 2);
    expect(r.tensorNorms.slice(0, 2)).toEqual([NaN, Infinity]);
    expect(r.tensorNorms[2]).toBe(5);
    expect(r.summary.slice(0, 3)).toEqual([NaN, NaN, 5]);
    const inf = run([[1, 2], [Infinity, 2], [3, 4]], [], 'inf');
    expect(inf.summary.slice(0, 3)).toEqual([Infinity, Infinity, 4]);
    expect(run([[1, NaN], [0], [0]], [], 'inf').total).toBeNaN();
  });

  it('overflows like float32 at p=2: entries of 1e20 square to inf although each is finite', () => {
    expect(run([[1e20], [1], [0]], [], 2).tensorNorms[0]).toBe(Infinity);
    // 1e19² = 1e38 fits float32, so the norm is finite (sums accumulate in float64).
    expect(run([[1e19], [1], [0]], [], 2).tensorNorms[0]).toBeCloseTo(1e19, -13);
  });

  it('checksums the weights: finite iff every weight is', () => {
    expect(run(grads, [[1, 2], [3.5]], 2).weightsSum).toBe(6.5);
    expect(run(grads, [[1, NaN], [3]], 2).weightsSum).toBeNaN();
    expect(run(grads, [[1, Infinity], [3]], 2).weightsSum).toBe(Infinity);
    expect(run(grads, [], 2).weightsSum).toBe(0);
  });

  it('costs one kernel dispatch and leaks no tensor', () => {
    const inputs: Tensor[] = [...grads, values(4, 9)].map((g) => tf.tensor1d(g));
    const before = tf.memory().numTensors;
    const profiled: unknown[] = [];
    tf.tidy(() => {
      const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
      const original = engine.runKernel;
      engine.runKernel = function (this: unknown, ...a: unknown[]) {
        profiled.push(a[0]);
        return original.apply(this, a);
      };
      try {
        stepNorms(inputs.slice(0, 3), inputs.slice(3), GROUPS, 2);
      } finally {
        engine.runKernel = original;
      }
    });
    expect(profiled).toEqual([STEP_NORMS_KERNEL]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(inputs);
  });
});
