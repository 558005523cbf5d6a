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
