import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { tf, type Scalar, type Tensor } from '../tf.js';
import { clipByGlobalNorm, type GlobalNormSemantics } from '../../clip/global-norm.js';
import { stepNorms } from '../../clip/step-norms.js';
import type { ClipStrategy } from '../../clip/types.js';
import type { NormType } from '../../config/schema.js';
import { packParts } from './pack.js';
import { FUSED_STEP_KERNEL } from './norm-clip-pack.js';

/** The strategy's fast path for one step, as the loop asks for it (null: the general path). */
function fusedNormStep(strategy: ClipStrategy, loss: Tensor, grads: Tensor[], weights: Tensor[], groups: number[][], normType: NormType) {
  return strategy.fusedStep?.({ loss, grads, weights, groups, normType }) ?? null;
}

/** Float32 bits, NaN (any payload) as 'nan'. */
const bits = (a: Float32Array) => [...new Uint32Array(Float32Array.from(a).buffer)].map((b, i) => (Number.isNaN(a[i]) ? 'nan' : b));

/** The general path of `step.ts`: stepNorms → strategy.apply → pack (post = pre × coef). */
function generalPath(strategy: ClipStrategy, value: Tensor, grads: Tensor[], weights: Tensor[], groups: number[][], normType: NormType) {
  const pre = stepNorms(grads, weights, groups, normType);
  const ctx = { step: 0, normType, vars: weights, names: weights.map((_, i) => `w${i}`), tensorNorms: pre.tensorNorms, totalNorm: pre.totalNorm };
  const clipped = strategy.apply(grads, {}, ctx);
  const coef = clipped.readback.coef as Scalar;
  const packed = packParts([value, pre.summary, { tensor: pre.summary, by: coef }, pre.weightsSum, coef, clipped.readback.threshold as Scalar]);
  return { packed, grads: clipped.grads };
}

const GRADS: Record<string, number[][]> = {
  ordinary: [[0.5, -1.25, 3, 0.001, 2, -2, 7], [0.25], [1e-3, -4e-3, 2e-3]],
  long: [Array.from({ length: 37 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3)), [0.25, -3], Array.from({ length: 64 }, (_, i) => Math.cos(i))],
  small: [[1e-4, -2e-4, 0, 3e-5], [0], [1e-6, 2e-6, -1e-6]],
  zero: [[0, 0, -0, 0], [0], [0, 0, 0]],
  inf: [[1, Infinity, 2, 3], [0.5], [1, 2, 3]],
  nan: [[1, 2, NaN, 3], [0.5], [1, 2, 3]],
  huge: [[3e38, 3e38, 1, 1], [1], [1, 1, 1]],
};

describe.each(['wasm', 'cpu'] as const)('fusedNormStep on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  const semantics: GlobalNormSemantics[] = ['torch', 'exact', 'tf'];
  const normTypes: NormType[] = [2, 1, 'inf', 3] as NormType[];
  for (const sem of semantics) {
    for (const normType of normTypes) {
      for (const maxNorm of [1, 0.85, 1e-3]) {
        it(`matches norms → clip → pack bit for bit (${sem}, p=${String(normType)}, max ${maxNorm})`, () => {
          const strategy = clipByGlobalNorm({ maxNorm, normType, semantics: sem }) as ClipStrategy;
          for (const [name, g] of Object.entries(GRADS)) {
            type Bits = { packed: (number | 'nan')[]; grads: (number | 'nan')[][] };
            let got: { fused: Bits | null; ref: Bits } = { fused: null, ref: { packed: [], grads: [] } };
            tf.tidy(() => {
              const grads = g.map((v) => tf.tensor1d(v));
              // Non-finite weights too (the checksum), where the gradients have them.
              const weights = g.map((v, i) => tf.tensor1d(name === 'inf' || name === 'nan' ? v : v.map((x) => (Number.isFinite(x) ? x * 0.5 + i : 1))));
              const value = tf.scalar(0.75);
              const groups = [[0, 1], [2]];
              const fused = fusedNormStep(strategy, value, grads, weights, groups, normType);
              const ref = generalPath(strategy, value, grads, weights, groups, normType);
              got = {
                fused: fused === null ? null : { packed: bits(fused.packed.dataSync<'float32'>()), grads: fused.grads.map((t) => bits(t.dataSync<'float32'>())) },
                ref: { packed: bits(ref.packed.dataSync<'float32'>()), grads: ref.grads.map((t) => bits(t.dataSync<'float32'>())) },
              };
            });
            expect(got.fused, name).not.toBeNull();
            expect(got.fused, name).toEqual(got.ref);
          }
        });
      }
    }
  }

  it('declines other strategies, another norm order, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const grads = [tf.tensor1d([1, 2])];
      const value = tf.scalar(1);
      const other = { ...clipByGlobalNorm({ maxNorm: 1 }), kind: 'my-norm' } as ClipStrategy;
      expect(fusedNormStep(other, value, grads, grads, [[0]], 2)).toBeNull();
      // A look-alike with kind 'norm' and the same options is still not the built-in clip.
      const lookalike = { ...clipByGlobalNorm({ maxNorm: 1 }) } as ClipStrategy;
      expect(fusedNormStep(lookalike, value, grads, grads, [[0]], 2)).toBeNull();
      expect(fusedNormStep(clipByGlobalNorm({ maxNorm: 1, normType: 'inf' }) as ClipStrategy, value, grads, grads, [[0]], 2)).toBeNull();
      const ok = fusedNormStep(clipByGlobalNorm({ maxNorm: 1 }) as ClipStrategy, value, grads, grads, [[0]], 2);
      expect(ok?.grads).toHaveLength(1);
      expect(tf.getKernel(FUSED_STEP_KERNEL, backend)).toBeDefined();
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
