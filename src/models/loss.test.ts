import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { lossFor } from './loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('lossFor', () => {
  it('regression is the mean squared error over every element', async () => {
    const loss = tf.tidy(() => lossFor('regression')(tf.tensor2d([[1], [2], [4]]), tf.tensor2d([[1], [4], [1]])));
    // (0² + 2² + 3²) / 3 = 13/3
    expect(await loss.data()).toEqual(Float32Array.from([13 / 3]));
    expect(loss.rank).toBe(0);
    loss.dispose();
  });

  it('classification is the mean softmax cross-entropy of the logits', async () => {
    const loss = tf.tidy(() => lossFor('classification')(tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[0, 0], [Math.log(3), 0]])));
    // Row 1: −log(1/2) = log 2. Row 2: softmax([log 3, 0]) = [3/4, 1/4], so −log(1/4) = log 4.
    expect((await loss.data())[0]).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 6);
    loss.dispose();
  });

  it('classification stays finite for logits of ±1e4', async () => {
    const loss = tf.tidy(() => lossFor('classification')(tf.tensor2d([[0, 1]]), tf.tensor2d([[1e4, -1e4]])));
    // −log_softmax = 2e4 exactly for the true class; naive softmax would give log(0) = −∞.
    expect((await loss.data())[0]).toBeCloseTo(2e4, 0);
    loss.dispose();
  });

  it('leaves no tensor behind inside tidy', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      lossFor('classification')(tf.ones([4, 3]), tf.zeros([4, 3]));
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
