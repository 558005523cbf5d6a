import { describe, expect, it } from 'vitest';
import { trainingConfigOf, trainingDefaults } from './training-config.js';

const keras = (class_name: string, config: Record<string, unknown>, loss: unknown = 'mean_squared_error') => ({ loss, optimizer_config: { module: 'keras.optimizers', class_name, config } });

describe('trainingDefaults', () => {
  it('maps Keras Adam with its learning rate and loss', () => {
    expect(trainingDefaults(keras('Adam', { learning_rate: 0.003, amsgrad: false, weight_decay: null }), 'm.json')).toEqual({
      source: 'm.json',
      data: { train: { loss: 'mse', optimizer: 'adam', lr: 0.003 } },
    });
  });

  it('maps SGD with momentum to momentum, plain SGD to sgd, and reads tfjs camelCase rates', () => {
    expect(trainingDefaults(keras('SGD', { learning_rate: 0.1, momentum: 0.8 }), 'm').data.train).toMatchObject({ optimizer: 'momentum', momentum: 0.8, lr: 0.1 });
    expect(trainingDefaults(keras('SGD', { learning_rate: 0.1, momentum: 0 }), 'm').data.train).toMatchObject({ optimizer: 'sgd', lr: 0.1 });
    expect(trainingDefaults({ loss: 'meanAbsoluteError', optimizer_config: { class_name: 'SGD', config: { learningRate: 0.01 } } }, 'm').data.train).toEqual({ loss: 'mae', optimizer: 'sgd', lr: 0.01 });
  });

  it('starts a learning-rate schedule at its initial rate', () => {
    const schedule = { module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.05, decay_steps: 100, decay_rate: 0.9 } };
    expect(trainingDefaults(keras('Adam', { learning_rate: schedule }), 'm').data.train?.lr).toBe(0.05);
  });

  it("carries Keras's clipping: clipnorm per variable, else global_clipnorm, else clipvalue", () => {
    expect(trainingDefaults(keras('Adam', { clipnorm: 2, global_clipnorm: 5, clipvalue: 1 }), 'm').data.clip).toEqual({ kind: 'tensor-norm', maxNorm: 2 });
    expect(trainingDefaults(keras('Adam', { clipnorm: null, global_clipnorm: 5, clipvalue: 1 }), 'm').data.clip).toEqual({ kind: 'norm', maxNorm: 5, semantics: 'tf' });
    expect(trainingDefaults(keras('Adam', { clipvalue: 0.5 }), 'm').data.clip).toEqual({ kind: 'value', clipValue: 0.5 });
    expect(trainingDefaults(keras('Adam', {}), 'm').data.clip).toBeUndefined();
  });

  it('names an optimizer gclip does not build instead of replacing it', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['Adadelta', { learning_rate: 1 }, 'Adadelta'],
      ['SGD', { nesterov: true, momentum: 0.9 }, 'SGD with nesterov'],
      ['Adam', { amsgrad: true }, 'Adam with amsgrad'],
      ['AdamW', { weight_decay: 0.004 }, 'AdamW with weight_decay'],
      ['RMSprop', { centered: true }, 'RMSprop with centered'],
    ];
    for (const [name, config, named] of cases) {
      const layer = trainingDefaults(keras(name, config), 'm');
      expect(layer.unsupportedOptimizer).toBe(named);
      expect(layer.data.train).toEqual({ loss: 'mse' });
    }
  });

  it('supplies nothing for a config without optimizer or a known loss', () => {
    expect(trainingDefaults({ loss: 'my_custom_loss' }, 'm').data).toEqual({ train: {} });
    expect(trainingDefaults(null, 'm').data).toEqual({ train: {} });
  });
});

describe('trainingConfigOf', () => {
  it('reads the converter layout and the model.save() layout', () => {
    expect(trainingConfigOf({ modelTopology: { model_config: {}, training_config: { loss: 'mse' } } })).toEqual({ loss: 'mse' });
    expect(trainingConfigOf({ modelTopology: { class_name: 'Sequential' }, trainingConfig: { loss: 'mae' } })).toEqual({ loss: 'mae' });
    expect(trainingConfigOf({ modelTopology: { class_name: 'Sequential' } })).toBeUndefined();
  });
});
