import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, nodeReader } from '../../src/config/load.js';
import { resolveConfig } from '../../src/config/merge.js';
import { tf } from '../../src/runtime/tf.js';
import { loadPlan } from '../../src/train/setup.js';
import { mean, stepPlan } from './helpers.js';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const shipped = async (name: string) => (await resolveConfig({ file: await loadConfigFile(resolve(ROOT, 'configs', name), nodeReader), flags: {} })).config;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('configs/model-json.yaml', () => {
  it('trains the Keras fixture on the fixture CSV with the loss from training_config', async () => {
    const config = await shipped('model-json.yaml');
    const plan = await loadPlan(config, { cwd: ROOT });
    expect([plan.modelSource, plan.lossName, plan.varNames]).toEqual(['keras', 'mse', ['hidden/kernel', 'hidden/bias', 'price/kernel', 'price/bias']]);
    const { losses } = await stepPlan(plan, 40);
    expect(mean(losses.slice(-5))).toBeLessThan(0.7 * mean(losses.slice(0, 5)));
    plan.dispose();
  });

  it('the same config trains the tfjs-saved fixture when the model path is swapped', async () => {
    const config = await shipped('model-json.yaml');
    const plan = await loadPlan({ ...config, model: { kind: 'file', path: 'fixtures/models/tfjs/model.json' } }, { cwd: ROOT });
    expect([plan.modelSource, plan.lossName]).toEqual(['tfjs', 'mae']);
    plan.dispose();
  });
});

describe('configs/cnn.yaml', () => {
  it('is a 2-D conv net on 16x16 images on the wasm backend', async () => {
    const config = await shipped('cnn.yaml');
    expect([config.backend, config.model.kind, config.data.kind]).toEqual(['wasm', 'cnn', 'images']);
    const plan = await loadPlan(config, { cwd: ROOT });
    expect(plan.layerNames).toEqual(['conv_1', 'conv_2', 'dense_1', 'head']);
    plan.dispose();
  });
});
