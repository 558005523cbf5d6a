import { beforeAll, describe, expect, it } from 'vitest';
import { modelSchema } from '../config/schema.js';
import { tf } from '../runtime/tf.js';
import type { BuiltinModelConfig } from './build.js';
import { trainSteps } from './train-harness.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

describe('built-in models train on the synthetic tasks', () => {
  it.each([
    { name: 'mlp on regression', data: { kind: 'regression', samples: 512, batchSize: 32 }, model: { kind: 'mlp', hidden: [32, 32] } },
    { name: 'mlp on classification', data: { kind: 'classification', samples: 512, batchSize: 32 }, model: { kind: 'mlp', hidden: [32] } },
    { name: 'rnn on adding', data: { kind: 'adding', samples: 512, seqLength: 10, batchSize: 32 }, model: { kind: 'rnn', units: 16 } },
    { name: 'mlp on adding', data: { kind: 'adding', samples: 512, seqLength: 10, batchSize: 32 }, model: { kind: 'mlp', hidden: [32] } },
    { name: 'rnn on regression', data: { kind: 'regression', samples: 512, features: 6, batchSize: 32 }, model: { kind: 'rnn', units: 8 } },
  ])('$name: the loss falls over 40 Adam steps and the tensor count stays flat', async ({ data, model }) => {
    const { losses, counts } = await trainSteps(data, modelSchema.parse(model) as BuiltinModelConfig, 40, 0.01);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    // Adam creates its slot variables on the first step; after that nothing may accumulate.
    expect(new Set(counts.slice(1)).size).toBe(1);
  });
});
