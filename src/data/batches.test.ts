import { describe, expect, it } from 'vitest';
import { createRng } from '../runtime/rng.js';
import { tf } from '../runtime/tf.js';
import { batchIndices, createBatchSchedule, epochStepCount, type BatchPlan } from './batches.js';
import { batchTensors, gatherRows, type HostDataset } from './dataset.js';

const sorted = (a: Int32Array[]): number[] => a.flatMap((b) => Array.from(b)).sort((p, q) => p - q);

describe('batchIndices', () => {
  it('covers each training index exactly once per epoch when the batch size divides it', () => {
    const plan: BatchPlan = { trainSize: 24, batchSize: 6, shuffle: true };
    const rng = createRng(1);
    for (const epoch of [0, 1, 5]) {
      const batches = [0, 1, 2, 3].map((k) => batchIndices(epoch * 4 + k, plan, rng));
      expect(sorted(batches)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    }
  });

  it('drops the partial last batch: fixed size, no repeats, a different remainder per epoch', () => {
    const plan: BatchPlan = { trainSize: 10, batchSize: 4, shuffle: true };
    const rng = createRng(2);
    expect(epochStepCount(plan)).toBe(2);
    const dropped = new Set<string>();
    for (let epoch = 0; epoch < 6; epoch++) {
      const batches = [0, 1].map((k) => batchIndices(epoch * 2 + k, plan, rng));
      for (const b of batches) expect(b).toHaveLength(4);
      const seen = sorted(batches);
      expect(new Set(seen).size).toBe(8);
      dropped.add(JSON.stringify(Array.from({ length: 10 }, (_, i) => i).filter((i) => !seen.includes(i))));
    }
    expect(dropped.size).toBeGreaterThan(1);
  });

  it('is a pure function of seed and step, and reshuffles between epochs', () => {
    const plan: BatchPlan = { trainSize: 50, batchSize: 50, shuffle: true };
    expect(batchIndices(3, plan, createRng(4))).toEqual(batchIndices(3, plan, createRng(4)));
    expect(batchIndices(3, plan, createRng(4))).not.toEqual(batchIndices(4, plan, createRng(4)));
    expect(batchIndices(3, plan, createRng(4))).not.toEqual(batchIndices(3, plan, createRng(5)));
  });

  it('without shuffle takes rows in order every epoch', () => {
    const plan: BatchPlan = { trainSize: 7, batchSize: 3, shuffle: false };
    expect([0, 1, 2, 3].map((k) => Array.from(batchIndices(k, plan, createRng(0))))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('caps the batch size at the training size', () => {
    const s = createBatchSchedule({ trainSize: 3, batchSize: 64, shuffle: true }, createRng(0));
    expect([s.batchSize, s.epochStepCount, s.next().length]).toEqual([3, 1, 3]);
  });
});

describe('createBatchSchedule', () => {
  it('next() walks batchIndices and a restored state continues identically', () => {
    const plan: BatchPlan = { trainSize: 37, batchSize: 8, shuffle: true };
    const full = createBatchSchedule(plan, createRng(11));
    const uninterrupted = Array.from({ length: 20 }, () => full.next());
    const first = createBatchSchedule(plan, createRng(11));
    const head = Array.from({ length: 7 }, () => first.next());
    const saved = JSON.parse(JSON.stringify(first.state())) as { step: number };
    const resumed = createBatchSchedule(plan, createRng(11), saved);
    const tail = Array.from({ length: 13 }, () => resumed.next());
    expect([...head, ...tail]).toEqual(uninterrupted);
    expect(uninterrupted[9]).toEqual(batchIndices(9, plan, createRng(11)));
    expect(full.state()).toEqual({ step: 20 });
  });
});

describe('gatherRows and batchTensors', () => {
  const ds: HostDataset = {
    task: 'classification',
    x: Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5]),
    y: Float32Array.from([1, 0, 0, 1, 1, 0]),
    inputShape: [2],
    outputDim: 2,
    samples: 3,
  };

  it('copies the chosen rows in order', () => {
    const b = gatherRows(ds, [2, 0]);
    expect(Array.from(b.x)).toEqual([2, 2.5, 0, 0.5]);
    expect(Array.from(b.y)).toEqual([1, 0, 1, 0]);
    expect([b.xShape, b.yShape]).toEqual([[2, 2], [2, 2]]);
  });

  it('creates exactly two tensors, owned by the caller', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const { xs, ys } = batchTensors(ds, Int32Array.from([1]));
    expect(xs.shape).toEqual([1, 2]);
    expect(Array.from(await ys.data())).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
