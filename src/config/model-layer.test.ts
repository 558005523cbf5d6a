/** Issue #16 item 4: a model.json's training config lies between the defaults and the config file. */
import { describe, expect, it } from 'vitest';
import { renderedError } from '../../test/helpers/errors.js';
import { loadConfigFile, memoryReader } from './load.js';
import { resolveConfig, type ModelLayer, type RawFlags } from './merge.js';

const MODEL: ModelLayer = { source: 'm/model.json', data: { train: { optimizer: 'rmsprop', lr: 0.002, loss: 'mae' }, clip: { kind: 'norm', maxNorm: 5, semantics: 'tf' } } };

async function resolve(text: string | undefined, flags: RawFlags = {}, model: ModelLayer = MODEL) {
  const file = text === undefined ? undefined : await loadConfigFile('run.yaml', memoryReader({ 'run.yaml': text }));
  return resolveConfig({ file, flags: { model: 'm/model.json', ...flags }, model });
}

describe('a model.json training config under the config file and the flags', () => {
  it('supplies optimizer, learning rate, loss and clipping where nothing else says', async () => {
    const { config, provenance } = await resolve(undefined);
    expect(config.train).toMatchObject({ optimizer: 'rmsprop', lr: 0.002, loss: 'mae' });
    expect(config.clip).toEqual({ kind: 'norm', maxNorm: 5, semantics: 'tf', normType: 2 });
    expect(provenance).toMatchObject({ 'train.optimizer': 'model.json', 'train.lr': 'model.json', 'train.loss': 'model.json', 'clip.kind': 'model.json', 'clip.normType': 'default', 'train.steps': 'default' });
  });

  it("takes no learning rate from the model once the file picks another optimizer", async () => {
    const { config, provenance } = await resolve('train:\n  optimizer: sgd\n');
    expect(config.train).toMatchObject({ optimizer: 'sgd', lr: 0.001, loss: 'mae' });
    expect(provenance).toMatchObject({ 'train.optimizer': 'file', 'train.lr': 'default' });
  });

  it('keeps the model optimizer under a --lr flag, and yields the loss to a flag but not to the file saying auto', async () => {
    const flagged = await resolve('train:\n  loss: auto\n', { lr: '0.1' });
    expect(flagged.config.train).toMatchObject({ optimizer: 'rmsprop', lr: 0.1, loss: 'mae' });
    expect(flagged.provenance).toMatchObject({ 'train.lr': 'flag', 'train.loss': 'model.json' });
    expect((await resolve(undefined, { loss: 'huber' })).config.train.loss).toBe('huber');
  });

  it("drops the model's clipping when the file or a flag sets clip", async () => {
    expect((await resolve('clip:\n  kind: none\n')).config.clip).toEqual({ kind: 'none', normType: 2 });
    const { config, provenance } = await resolve(undefined, { clipValue: '1' });
    expect(config.clip).toEqual({ kind: 'value', clipValue: 1, normType: 2 });
    expect(provenance['clip.kind']).toBe('flag');
    expect((await resolve(undefined, { normType: '1' })).config.clip).toEqual({ kind: 'none', normType: 1 });
  });

  it("ignores a run directory's recorded provenance when its config.json is read back", async () => {
    const { config } = await resolve('train:\n  lr: 0.5\nprovenance:\n  train.lr: flag\n');
    expect(config.train.lr).toBe(0.5);
  });

  it('refuses an optimizer gclip does not build unless one is chosen', async () => {
    const adadelta: ModelLayer = { source: 'm/model.json', data: { train: { loss: 'mse' } }, unsupportedOptimizer: 'Adadelta' };
    expect(await renderedError(() => resolve(undefined, {}, adadelta))).toMatchInlineSnapshot(`
      "✖ the model's training_config uses the optimizer Adadelta, which gclip does not train with
        at train.optimizer (m/model.json)
        → Choose one gclip has: pass --optimizer adam, sgd, momentum or rmsprop (and --lr), or set train.optimizer in the config."
    `);
    const chosen = await resolve(undefined, { optimizer: 'sgd', lr: '0.5' }, adadelta);
    expect(chosen.config.train).toMatchObject({ optimizer: 'sgd', lr: 0.5, loss: 'mse' });
    expect((await resolve('train:\n  optimizer: adam\n', {}, adadelta)).config.train.optimizer).toBe('adam');
  });
});
