import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { clipSchema } from '../config/clip-schema.js';
import { CLIP_KINDS, createStrategy } from './registry.js';
import { ClippingOptimizer } from './clipper.js';
import { clipByGlobalNorm } from './global-norm.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('createStrategy', () => {
  it.each(CLIP_KINDS.filter((k) => k !== 'chain'))('builds kind %s from a parsed config', (kind) => {
    const extra = kind === 'norm' || kind === 'tensor-norm' ? { maxNorm: 1 } : kind === 'value' ? { clipValue: 1 } : {};
    expect(createStrategy(clipSchema.parse({ kind, ...extra })).kind).toBe(kind);
  });

  it('builds a chain of zclip then a hard norm cap', () => {
    const s = createStrategy(clipSchema.parse({ kind: 'chain', strategies: [{ kind: 'zclip' }, { kind: 'norm', maxNorm: 5 }] }));
    expect(s.kind).toBe('chain');
    expect((s.init([]) as unknown[]).length).toBe(2);
  });
});

describe('what each built-in strategy declares for the loop', () => {
  it.each([
    ['none', {}, { fixedThreshold: undefined, scalesUniformly: true, byDesign: undefined, fused: false }],
    ['norm', { maxNorm: 0.1 }, { fixedThreshold: 0.1, scalesUniformly: true, byDesign: undefined, fused: true }],
    ['value', { clipValue: 0.1 }, { fixedThreshold: 0.1, scalesUniformly: undefined, byDesign: undefined, fused: false }],
    ['tensor-norm', { maxNorm: 0.1 }, { fixedThreshold: undefined, scalesUniformly: undefined, byDesign: undefined, fused: false }],
    ['agc', {}, { fixedThreshold: undefined, scalesUniformly: undefined, byDesign: true, fused: false }],
    ['autoclip', {}, { fixedThreshold: undefined, scalesUniformly: true, byDesign: true, fused: false }],
    ['zclip', { maxNorm: 1 }, { fixedThreshold: undefined, scalesUniformly: true, byDesign: undefined, fused: false }],
  ])('%s', (kind, extra, declared) => {
    const s = createStrategy(clipSchema.parse({ kind, ...extra }));
    expect({ fixedThreshold: s.fixedThreshold, scalesUniformly: s.scalesUniformly, byDesign: s.clipRateByDesign, fused: typeof s.fusedStep === 'function' }).toEqual(declared);
    // The fused step is not an enumerable key: a spread copy does not carry it.
    expect(Object.keys(s)).not.toContain('fusedStep');
  });

  it('declares nothing for a chain (its children are asked nothing either)', () => {
    const s = createStrategy(clipSchema.parse({ kind: 'chain', strategies: [{ kind: 'norm', maxNorm: 1 }] }));
    expect([s.fixedThreshold, s.scalesUniformly, s.fusedStep, s.clipRateByDesign]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('declares a clip rate by design for a chain with a stage that has one', () => {
    const s = createStrategy(clipSchema.parse({ kind: 'chain', strategies: [{ kind: 'norm', maxNorm: 1 }, { kind: 'autoclip' }] }));
    expect(s.clipRateByDesign).toBe(true);
  });
});

describe('ClippingOptimizer', () => {
  it('clips inside model.fit and reports one set of numbers per step', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const seen: number[] = [];
    const optimizer = new ClippingOptimizer(tf.train.sgd(0.1), clipByGlobalNorm({ maxNorm: 0.01 }), {
      onStep: (n) => seen.push(n.coef ?? Number.NaN),
    });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.tensor2d([[100], [200]]);
    await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
    expect(seen.length).toBe(3);
    expect(seen.every((c) => c < 1)).toBe(true);
    expect(optimizer.iterations).toBe(3);
  });
});
