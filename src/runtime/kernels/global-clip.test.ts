import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { tf, type Scalar, type Tensor } from '../tf.js';
import { fusedGlobalClip, fusedScale, GLOBAL_CLIP_KERNEL, type FusedClipRule } from './global-clip.js';
import { clipByGlobalNorm, globalClipCoef, scaleGrads, TORCH_NORM_EPS, type GlobalNormSemantics } from '../../clip/global-norm.js';
import { createClipContext } from '../../clip/context.js';
import { checkCase } from '../../golden/cases.js';
import { parseGoldenFile } from '../../golden/format.js';
import { goldenPath } from '../../golden/paths.js';

const RULES: GlobalNormSemantics[] = ['torch', 'exact', 'tf'];

/** Gradient sets: shapes mix scalar, vector, matrix and empty tensors. */
const GRADS: Record<string, number[][]> = {
  random: [rand(7, 1), rand(12, 2), rand(1, 3), rand(6, 4)],
  zero: [[0, 0, 0], [-0, 0], [0]],
  subnormal: [[1e-45, -3e-44, 1e-40], [2e-39]],
  nan: [[1, NaN, -2], [3, 4]],
  inf: [[1, Infinity, -2], [3, -4]],
  negInf: [[-Infinity, 0, -0], [5]],
  overflow: [[3e19, -1], [2e20, 7]],
  big: [[3e38, -3e38], [1]],
  'N = 5': [[3, 4]],
};
/** Shapes the gradient sets are reshaped to, per tensor index (size must match, else 1-D). */
const SHAPES: Record<number, number[]> = { 6: [2, 3], 12: [3, 4], 1: [] };

/** Thresholds the strategy accepts (finite, > 0), including ones that round to 0 or inf in float32. */
const MAX_NORMS = [1, 5, 0.85, 1e-3, 7.3e-7, 1e30, 3.4e38, 1e300, 1e-50, Number.MIN_VALUE];
/** Total norms handed to the kernel directly (a ClipContext may carry any scalar). */
const TOTALS = [0, -0, 5, 4.999999, 1e-45, 1e-7, 0.85, 3.4e38, Infinity, -Infinity, NaN, -1, -1e-6];

function rand(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 7.1 + i * 1.3) * (i % 5 === 0 ? 40 : 2)));
}

function tensors(set: number[][]): Tensor[] {
  return set.map((v) => {
    const shape = SHAPES[v.length];
    return shape ? tf.tensor(v, shape) : tf.tensor1d(v);
  });
}

/** Values with NaN-ness and the sign of zero compared (NaN payload bits are not: wasm and JS pick different quiet NaNs). */
function same(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
  const x = a.dataSync();
  const y = b.dataSync();
  return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
}

/** The op path of `clipByGlobalNorm`: coefficient from ops, one `mul` per gradient. */
function opClip(grads: Tensor[], total: Scalar, maxNorm: number, rule: GlobalNormSemantics) {
  const coef = globalClipCoef(total, maxNorm, rule);
  return { grads: grads.map((g) => tf.mul(g, coef)), coef };
}

function countKernels<T>(body: () => T): { kernels: string[]; out: T } {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...a: unknown[]) => unknown };
  const original = engine.runKernel;
  const kernels: string[] = [];
  engine.runKernel = function (this: unknown, name: string, ...a: unknown[]) {
    kernels.push(name);
    return original.call(this, name, ...a);
  };
  try {
    return { kernels, out: body() };
  } finally {
    engine.runKernel = original;
  }
}

describe.each(['wasm', 'cpu'] as const)('fused global-norm clip on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  describe.each(RULES)('%s semantics', (rule) => {
    it.each(Object.keys(GRADS))('clipByGlobalNorm equals the op path bit for bit: %s gradients, every threshold', (name) => {
      tf.tidy(() => {
        const grads = tensors(GRADS[name]!);
        const ctx = createClipContext(grads);
        for (const maxNorm of MAX_NORMS) {
          const out = clipByGlobalNorm({ maxNorm, semantics: rule }).apply(grads, {}, ctx);
          const ref = opClip(grads, ctx.totalNorm, maxNorm, rule);
          const where = `${name}, maxNorm ${maxNorm}, N ${ctx.totalNorm.dataSync()[0]}`;
          expect(same(out.readback.coef!, ref.coef), `coef: ${where}`).toBe(true);
          out.grads.forEach((g, j) => expect(same(g, ref.grads[j]!), `grad ${j}: ${where}`).toBe(true));
          expect(out.readback.threshold!.dataSync()[0]).toBe(Math.fround(maxNorm));
        }
      });
    });

    it('the kernel equals the op coefficient for any total norm and threshold (0, negative, NaN included)', () => {
      tf.tidy(() => {
        const grads = tensors(GRADS.random!);
        for (const n of TOTALS) {
          for (const maxNorm of [...MAX_NORMS, 0, -0, -1, -2.5, NaN, Infinity]) {
            const total = tf.scalar(n);
            const fused = fusedGlobalClip(grads, total, { rule, maxNorm, eps: TORCH_NORM_EPS })!;
            const ref = opClip(grads, total, maxNorm, rule);
            const where = `N ${n}, maxNorm ${maxNorm}: ${fused.coef.dataSync()[0]} vs ${ref.coef.dataSync()[0]}`;
            expect(same(fused.coef, ref.coef), where).toBe(true);
            fused.grads.forEach((g, j) => expect(same(g, ref.grads[j]!), `grad ${j}, ${where}`).toBe(true));
          }
        }
      });
    });

    it('is one kernel dispatch, leaks nothing and leaves its inputs untouched', () => {
      const grads = tensors(GRADS.random!);
      const ctx = createClipContext(grads);
      const copies = grads.map((g) => g.dataSync().slice());
      const s = clipByGlobalNorm({ maxNorm: 0.5, semantics: rule });
      const before = tf.memory().numTensors;
      const { kernels, out } = countKernels(() => s.apply(grads, {}, ctx));
      expect(kernels).toEqual([GLOBAL_CLIP_KERNEL]);
      expect(out.grads.map((g) => g.shape)).toEqual(grads.map((g) => g.shape));
      expect(out.readback.coef!.shape).toEqual([]);
      tf.dispose([...out.grads, ...Object.values(out.readback)]);
      expect(tf.memory().numTensors).toBe(before);
      grads.forEach((g, j) => expect(g.dataSync()).toEqual(copies[j]));
      tf.dispose([...grads, ctx.tensorNorms, ctx.totalNorm]);
    });
  });

  it('handles an empty gradient list and zero-size tensors', () => {
    tf.tidy(() => {
      const total = tf.scalar(3);
      const none = fusedGlobalClip([], total, { rule: 'torch', maxNorm: 1, eps: TORCH_NORM_EPS })!;
      expect(none.grads).toEqual([]);
      expect(same(none.coef, opClip([], total, 1, 'torch').coef)).toBe(true);
      const empty = fusedGlobalClip([tf.zeros([0]), tf.tensor1d([6])], total, { rule: 'torch', maxNorm: 1, eps: TORCH_NORM_EPS })!;
      expect(empty.grads[0]!.shape).toEqual([0]);
      expect(same(empty.grads[1]!, opClip([tf.tensor1d([6])], total, 1, 'torch').grads[0]!)).toBe(true);
    });
  });

  it('stays correct when allocating the outputs grows the wasm heap (no stale views)', () => {
    tf.tidy(() => {
      const n = 1 << 22; // 16 MB per tensor: the outputs outgrow the heap the inputs live in
      const grads = [0, 1, 2].map((k) => tf.add(tf.mul(tf.range(0, n, 1, 'float32'), 1e-3 * (k + 1)), -k));
      const total = tf.scalar(1e9);
      const fused = fusedGlobalClip(grads, total, { rule: 'torch', maxNorm: 3, eps: TORCH_NORM_EPS })!;
      const ref = opClip(grads, total, 3, 'torch');
      fused.grads.forEach((g, j) => expect(same(g, ref.grads[j]!)).toBe(true));
    });
  });

  it('scaleGrads (autoclip, zclip) is one kernel and equals one mul per gradient bit for bit', () => {
    tf.tidy(() => {
      for (const name of Object.keys(GRADS)) {
        const grads = tensors(GRADS[name]!);
        for (const c of [1, 0.3, 0, -0, -2, 1e-30, 3e38, Infinity, NaN]) {
          const coef = tf.scalar(c);
          const { kernels, out } = countKernels(() => scaleGrads(grads, coef));
          expect(kernels).toEqual([GLOBAL_CLIP_KERNEL]);
          out.forEach((g, j) => expect(same(g, tf.mul(grads[j]!, coef)), `${name}, coef ${c}, grad ${j}`).toBe(true));
        }
      }
    });
  });

  it('falls back to the ops for non-float32 inputs or a non-scalar norm', () => {
    tf.tidy(() => {
      const attrs = { rule: 'torch' as FusedClipRule, maxNorm: 1, eps: TORCH_NORM_EPS };
      expect(fusedGlobalClip([tf.tensor1d([1, 2], 'int32')], tf.scalar(3), attrs)).toBeNull();
      expect(fusedGlobalClip([tf.tensor1d([1, 2])], tf.tensor1d([3]) as unknown as Scalar, attrs)).toBeNull();
      expect(fusedScale([tf.tensor1d([1, 2])], tf.tensor1d([3]) as unknown as Scalar)).toBeNull();
      const grads = [tf.tensor1d([3, 4], 'int32')];
      const { kernels, out } = countKernels(() => scaleGrads(grads, tf.scalar(2, 'int32')));
      expect(kernels).toEqual(['Multiply']);
      expect(Array.from(out[0]!.dataSync())).toEqual([6, 8]);
    });
  });

  it('passes every golden case on this backend (the strategies run the fused kernel here)', () => {
    const file = parseGoldenFile(readFileSync(goldenPath(process.env, process.cwd()), 'utf8'));
    const before = tf.memory().numTensors;
    const results = file.cases.map(checkCase);
    expect(tf.memory().numTensors).toBe(before);
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.details.join('; ')}`)).toEqual([]);
    expect(results).toHaveLength(44);
  });
});
