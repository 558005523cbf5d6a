import { beforeAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../clip/registry.js';
import { layerNorms, measureNorms } from '../clip/norms.js';
import type { ClipStrategy } from '../clip/types.js';
import { runConfigSchema, type ClipConfig, type NormType } from '../config/schema.js';
import { initBackend } from '../runtime/backend.js';
import { tf } from '../runtime/tf.js';
import { buildPlan } from './setup.js';
import { computeStep } from './step.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const plan = () =>
  buildPlan(runConfigSchema.parse({ model: { kind: 'mlp', hidden: [8, 8] }, data: { kind: 'regression', features: 5, samples: 128, batchSize: 16 } }));

/** One step's logged post-clip numbers next to the norms of the gradients it returned, re-measured with the op kernels. */
function stepAgainstRemeasured(strategy: ClipStrategy, normType: NormType) {
  const p = plan();
  try {
    const out = computeStep(p, strategy, strategy.init(p.vars), { step: 0, normType, evaluate: false });
    const n = out.layout.decode(out.packed.dataSync<'float32'>());
    const ref = tf.tidy(() => {
      const m = measureNorms(out.grads, normType);
      return { total: m.totalNorm.dataSync()[0]!, layers: [...layerNorms(m.tensorNorms, p.groups, normType).dataSync()] };
    });
    tf.dispose([out.packed, ...out.grads]);
    return { n, ref };
  } finally {
    p.dispose();
  }
}

const CLIPPING: [string, ClipConfig | ClipStrategy][] = [
  ['norm (derived: pre × coef)', { kind: 'norm', maxNorm: 0.05, normType: 2, semantics: 'torch' } as ClipConfig],
  ['autoclip (derived)', { kind: 'autoclip', percentile: 10, normType: 2 } as ClipConfig],
  ['value (re-measured)', { kind: 'value', clipValue: 0.01, normType: 2 } as ClipConfig],
];

describe('computeStep post-clip norms', () => {
  it.each(CLIPPING)('%s equal the norms of the clipped gradients', (_name, config) => {
    const strategy = 'apply' in config ? config : createStrategy(runConfigSchema.parse({ clip: config }).clip);
    const { n, ref } = stepAgainstRemeasured(strategy, 2);
    expect(n.postClipNorm).toBeLessThan(n.preClipNorm);
    expect(n.postClipNorm).toBeCloseTo(ref.total, 6);
    [...n.postLayers].forEach((x, i) => expect(x / ref.layers[i]!).toBeCloseTo(1, 5));
  });

  it.each([1, 'inf'] as NormType[])('derives them for norm type %s as well (‖c·g‖ = c·‖g‖ for every order)', (normType) => {
    const strategy = createStrategy(runConfigSchema.parse({ clip: { kind: 'norm', maxNorm: 0.01, normType } }).clip);
    const { n, ref } = stepAgainstRemeasured(strategy, normType);
    expect(n.postClipNorm / ref.total).toBeCloseTo(1, 5);
    [...n.postLayers].forEach((x, i) => expect(x / ref.layers[i]!).toBeCloseTo(1, 5));
  });

  it('re-measures for a strategy that opts out with scalesUniformly: false', () => {
    const base = createStrategy(runConfigSchema.parse({ clip: { kind: 'norm', maxNorm: 0.05 } }).clip);
    const optOut = { ...base, scalesUniformly: false } as ClipStrategy;
    const { n, ref } = stepAgainstRemeasured(optOut, 2);
    expect(n.postClipNorm).toBeCloseTo(ref.total, 6);
  });

  it('logs the post-clip norms equal to the pre-clip ones without clipping', () => {
    const { n } = stepAgainstRemeasured(createStrategy({ kind: 'none', normType: 2 }), 2);
    expect(n.postClipNorm).toBe(n.preClipNorm);
    expect([...n.postLayers]).toEqual([...n.preLayers]);
    expect(n.weightsFinite).toBe(true);
  });

  it('flags non-finite weights through the checksum', () => {
    const p = plan();
    try {
      const v = p.vars[0]!;
      v.assign(tf.tidy(() => tf.fill(v.shape, NaN)));
      const strategy = createStrategy({ kind: 'none', normType: 2 });
      const out = computeStep(p, strategy, strategy.init(p.vars), { step: 0, normType: 2, evaluate: false });
      expect(out.layout.decode(out.packed.dataSync<'float32'>()).weightsFinite).toBe(false);
      tf.dispose([out.packed, ...out.grads]);
    } finally {
      p.dispose();
    }
  });
});
