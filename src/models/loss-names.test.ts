import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { lossByName, lossFromTrainingConfig, type LossName, type OutputKind } from './loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (name: LossName, y: number[][], p: number[][], output: OutputKind = 'logits'): number =>
  tf.tidy(() => lossByName(name, output)(tf.tensor2d(y), tf.tensor2d(p)).dataSync()[0]!);

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('lossByName against float64 references', () => {
  it('mae is the mean absolute error', () => {
    // (|1−1| + |4−2| + |1−4|) / 3 = 5/3
    expect(value('mae', [[1], [2], [4]], [[1], [4], [1]])).toBeCloseTo(5 / 3, 6);
  });

  it('huber is quadratic up to δ = 1 and linear beyond (PyTorch HuberLoss)', () => {
    // errors 0.5, −2, 3: 0.5·0.25 = 0.125; 2 − 0.5 = 1.5; 3 − 0.5 = 2.5 → mean 4.125/3
    expect(value('huber', [[0], [2], [0]], [[0.5], [0], [3]])).toBeCloseTo(4.125 / 3, 6);
  });

  it('binary cross-entropy on logits equals −mean(y·log σ(z) + (1−y)·log(1−σ(z))) and stays finite at |z| = 1e4', () => {
    const z = [[2], [-1], [0.3]];
    const y = [[1], [0], [1]];
    const ref = -(Math.log(sigmoid(2)) + Math.log(1 - sigmoid(-1)) + Math.log(sigmoid(0.3))) / 3;
    expect(value('binary-crossentropy', y, z)).toBeCloseTo(ref, 5);
    expect(value('binary-crossentropy', [[0]], [[1e4]])).toBeCloseTo(1e4, 0);
  });

  it('binary cross-entropy on probabilities clips to [1e-7, 1 − 1e-7] like Keras', () => {
    const ref = -(Math.log(0.8) + Math.log(1 - 0.3)) / 2;
    expect(value('binary-crossentropy', [[1], [0]], [[0.8], [0.3]], 'probabilities')).toBeCloseTo(ref, 5);
    // p = 0 for a positive: −log(1e-7) ≈ 16.12, not Infinity.
    expect(value('binary-crossentropy', [[1]], [[0]], 'probabilities')).toBeCloseTo(-Math.log(1e-7), 1);
  });

  it('categorical cross-entropy on probabilities is −mean Σ y·log p', () => {
    expect(value('categorical-crossentropy', [[0, 1, 0]], [[0.2, 0.5, 0.3]], 'probabilities')).toBeCloseTo(-Math.log(0.5), 5);
  });
});

describe('lossFromTrainingConfig', () => {
  it.each([
    [{ loss: 'mean_squared_error' }, 'mse'],
    [{ loss: 'meanAbsoluteError' }, 'mae'],
    [{ loss: { class_name: 'Huber', config: { delta: 1 } } }, 'huber'],
    [{ loss: ['binary_crossentropy'] }, 'binary-crossentropy'],
    [{ loss: { output_1: 'sparse_categorical_crossentropy' } }, 'categorical-crossentropy'],
    [{ loss: 'cosine_similarity' }, null],
    [undefined, null],
  ])('%j → %s', (config, expected) => {
    expect(lossFromTrainingConfig(config)).toBe(expected);
  });
});
