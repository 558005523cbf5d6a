import { describe, expect, it } from 'vitest';
import { loadConfigFile, memoryReader } from './load.js';
import { resolveConfig, type RawFlags } from './merge.js';
import { isGclipError } from '../errors.js';

async function fileOf(text: string, path = 'configs/run.yaml') {
  return loadConfigFile(path, memoryReader({ [path]: text }));
}

async function resolve(text: string | undefined, flags: RawFlags = {}) {
  return resolveConfig({ file: text === undefined ? undefined : await fileOf(text), flags });
}

describe('resolveConfig precedence', () => {
  it('uses the schema defaults when there is neither file nor flag', async () => {
    const { config, provenance } = await resolve(undefined);
    expect(config.train).toMatchObject({ steps: 200, optimizer: 'adam', lr: 0.001 });
    expect(config.clip).toEqual({ kind: 'none', normType: 2 });
    expect(provenance['train.lr']).toBe('default');
    expect(provenance['clip.kind']).toBe('default');
  });

  it('lets the file override defaults and flags override the file', async () => {
    const text = 'train:\n  lr: 0.01\n  steps: 50\nseed: 7\n';
    const { config, provenance } = await resolve(text, { lr: '0.5' });
    expect(config.train.lr).toBe(0.5);
    expect(config.train.steps).toBe(50);
    expect(config.seed).toBe(7);
    expect(config.train.optimizer).toBe('adam');
    expect(provenance).toMatchObject({ 'train.lr': 'flag', 'train.steps': 'file', seed: 'file', 'train.optimizer': 'default' });
  });

  it('maps every train flag onto its config key', async () => {
    const flags = {
      model: 'rnn', data: 'adding', clipNorm: '0.5', normType: 'inf', steps: '10', epochs: '2', lr: '0.1',
      optimizer: 'sgd', seed: '3', batchSize: '16', backend: 'cpu', out: 'runs/x', onNonfinite: 'skip', name: 'exp',
    };
    const { config, provenance } = await resolve(undefined, flags);
    expect(config).toMatchObject({
      name: 'exp', seed: 3, backend: 'cpu',
      model: { kind: 'rnn' }, data: { kind: 'adding', batchSize: 16 },
      train: { steps: 10, epochs: 2, lr: 0.1, optimizer: 'sgd' },
      clip: { kind: 'norm', maxNorm: 0.5, normType: 'inf' },
      detect: { nonfinite: { action: 'skip' } }, log: { out: 'runs/x' },
    });
    for (const key of ['clip.kind', 'clip.maxNorm', 'clip.normType', 'detect.nonfinite.action', 'log.out']) {
      expect(provenance[key]).toBe('flag');
    }
  });

  it('accepts --clip value with --clip-value, and --clip none alone', async () => {
    expect((await resolve(undefined, { clip: 'value', clipValue: '0.5' })).config.clip).toEqual({ kind: 'value', clipValue: 0.5, normType: 2 });
    expect((await resolve('clip: {kind: norm, maxNorm: 1}\n', { clip: 'none' })).config.clip).toEqual({ kind: 'none', normType: 2 });
  });

  it('replaces kind-specific fields when a flag changes the kind, keeping shared ones', async () => {
    const text = 'clip:\n  kind: value\n  clipValue: 2\n  normType: 1\n';
    const { config, provenance } = await resolve(text, { clipNorm: '1' });
    expect(config.clip).toEqual({ kind: 'norm', maxNorm: 1, normType: 1, semantics: 'torch' });
    expect(provenance['clip.normType']).toBe('file');
    expect(provenance['clip.kind']).toBe('flag');
  });

  it('drops seqLength but keeps batchSize when --data switches adding to regression', async () => {
    const text = 'data:\n  kind: adding\n  seqLength: 30\n  batchSize: 8\n';
    const { config } = await resolve(text, { data: 'regression' });
    expect(config.data).toMatchObject({ kind: 'regression', batchSize: 8 });
    expect(config.data).not.toHaveProperty('seqLength');
  });

  it('reads --data file.csv and --model path/model.json as files, with the column flags', async () => {
    const text = 'data:\n  kind: regression\n  features: 8\n  batchSize: 16\n';
    const flags = { data: 'fixtures/data/houses.csv', model: 'fixtures/models/keras/model.json', features: 'sqft, rooms,age', target: 'price', normalize: true, loss: 'huber' };
    const { config, provenance } = await resolve(text, flags);
    // The synthetic `features: 8` (a count) must not leak into the file's column list.
    expect(config.data).toMatchObject({ kind: 'file', path: 'fixtures/data/houses.csv', features: ['sqft', 'rooms', 'age'], target: 'price', normalize: true, batchSize: 16 });
    expect(config.model).toEqual({ kind: 'file', path: 'fixtures/models/keras/model.json' });
    expect(config.train.loss).toBe('huber');
    expect(provenance['data.path']).toBe('flag');
  });

  it('keeps --data and --model plain words as kinds', async () => {
    const { config } = await resolve(undefined, { data: 'adding', model: 'lstm' });
    expect(config.data.kind).toBe('adding');
    expect(config.model.kind).toBe('lstm');
  });

  it('fills a block missing from the file with its default kind before applying a flag', async () => {
    const { config } = await resolve(undefined, { normType: '1' });
    expect(config.clip).toEqual({ kind: 'none', normType: 1 });
  });

  it('returns a deeply frozen config', async () => {
    const { config } = await resolve('model:\n  kind: mlp\n  hidden: [4]\n');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.model)).toBe(true);
    expect(Object.isFrozen(config.detect.spike)).toBe(true);
    if (config.model.kind === 'mlp') expect(Object.isFrozen(config.model.hidden)).toBe(true);
  });

  it('does not mutate the loaded file data', async () => {
    const file = await fileOf('clip:\n  kind: value\n  clipValue: 2\n');
    resolveConfig({ file, flags: { clipNorm: '1', lr: '0.1' } });
    expect(file.data).toEqual({ clip: { kind: 'value', clipValue: 2 } });
  });

  it('ignores commander options it does not map (config, json, color)', async () => {
    const { config } = await resolve(undefined, { config: 'x.yaml', json: true, color: false });
    expect(config.name).toBe('run');
  });
});

describe('resolveConfig clip strategy flags', () => {
  it.each([
    ['norm', { clipNorm: '2', normSemantics: 'exact' }, { kind: 'norm', maxNorm: 2, semantics: 'exact' }],
    ['tensor-norm', { tensorNormMaxNorm: '0.5' }, { kind: 'tensor-norm', maxNorm: 0.5 }],
    [
      'agc',
      { agcClipping: '0.02', agcEps: '1e-4', agcLayout: 'timm', agcExcludeFinal: true },
      { kind: 'agc', clipping: 0.02, eps: 1e-4, layout: 'timm', excludeFinal: true },
    ],
    [
      'autoclip',
      { autoclipPercentile: '25', autoclipWindow: '100', autoclipIncludeCurrent: false, autoclipHistoryFilter: 'all' },
      { kind: 'autoclip', percentile: 25, window: 100, includeCurrent: false, historyFilter: 'all' },
    ],
    [
      'zclip',
      {
        zclipAlpha: '0.9', zclipZThreshold: '3', zclipWarmupSteps: '10', zclipMaxNorm: '5',
        zclipClipOption: 'mean', zclipClipFactor: '0.5', zclipSkipUpdateOnSpike: true,
      },
      { kind: 'zclip', alpha: 0.9, zThreshold: 3, warmupSteps: 10, maxNorm: 5, clipOption: 'mean', clipFactor: 0.5, skipUpdateOnSpike: true },
    ],
  ])('maps the %s option flags onto clip.* and selects the kind', async (_kind, flags, expected) => {
    const { config, provenance } = await resolve(undefined, flags);
    expect(config.clip).toMatchObject(expected);
    for (const key of Object.keys(expected)) expect(provenance[`clip.${key}`]).toBe('flag');
  });

  it.each(['none', 'agc', 'autoclip', 'zclip', 'adagc'])('--clip %s alone gives the strategy with its defaults', async (kind) => {
    const { config } = await resolve(undefined, { clip: kind });
    expect(config.clip.kind).toBe(kind);
  });

  it('uses the paper defaults for --clip zclip, autoclip and agc', async () => {
    expect((await resolve(undefined, { clip: 'zclip' })).config.clip).toEqual({
      kind: 'zclip', normType: 2, mode: 'zscore', alpha: 0.97, zThreshold: 2.5, warmupSteps: 25,
      clipOption: 'adaptive_scaling', clipFactor: 1, skipUpdateOnSpike: false,
    });
    expect((await resolve(undefined, { clip: 'autoclip' })).config.clip).toEqual({
      kind: 'autoclip', normType: 2, percentile: 10, includeCurrent: true, historyFilter: 'finite-positive',
    });
    expect((await resolve(undefined, { clip: 'agc' })).config.clip).toEqual({
      kind: 'agc', normType: 2, clipping: 0.01, eps: 1e-3, layout: 'optax', excludeFinal: false,
    });
    expect((await resolve(undefined, { clip: 'adagc' })).config.clip).toEqual({
      kind: 'adagc', normType: 2, clipRatio: 1.04, beta: 0.99, warmupSteps: 100, maxNorm: 1, historyFilter: 'finite-positive',
    });
  });

  it('refuses update-clip with an optimizer other than Adam, naming --optimizer', async () => {
    const error = await resolve(undefined, { clip: 'update-clip', optimizer: 'sgd' }).catch((e: unknown) => e);
    expect(isGclipError(error) && error.code).toBe('invalid_flag');
    expect(isGclipError(error) && error.issues).toEqual([{
      path: 'train.optimizer',
      message: "clip kind 'update-clip' scales Adam's update and needs train.optimizer adam, received 'sgd'",
      hint: 'Use --optimizer adam, or clip the gradient instead (e.g. --clip adagc or --clip zclip), which works with every optimizer.',
      source: '--optimizer',
    }]);
    expect((await resolve(undefined, { updateClipMaxRms: '2' })).config.clip).toEqual({ kind: 'update-clip', normType: 2, maxRms: 2 });
  });

  it('maps --zclip-mode and the --adagc-* flags to their fields, each selecting its kind', async () => {
    expect((await resolve(undefined, { zclipMode: 'percentile' })).config.clip).toMatchObject({ kind: 'zclip', mode: 'percentile' });
    const { config } = await resolve(undefined, { adagcClipRatio: '1.1', adagcBeta: '0.9', adagcWarmupSteps: '0', adagcMaxNorm: '2', adagcHistoryFilter: 'all' });
    expect(config.clip).toMatchObject({ kind: 'adagc', clipRatio: 1.1, beta: 0.9, warmupSteps: 0, maxNorm: 2, historyFilter: 'all' });
  });

  it('accepts --clip <kind> together with that kind\'s option flags', async () => {
    const { config } = await resolve(undefined, { clip: 'zclip', zclipMaxNorm: '1' });
    expect(config.clip).toMatchObject({ kind: 'zclip', maxNorm: 1 });
  });

  it('accepts boolean option flags given as text (programmatic callers)', async () => {
    const { config } = await resolve(undefined, { agcExcludeFinal: 'true' });
    expect(config.clip).toMatchObject({ kind: 'agc', excludeFinal: true });
  });

  it('switches a file\'s norm block to zclip without turning maxNorm into a ZClip cap', async () => {
    const { config } = await resolve('clip:\n  kind: norm\n  maxNorm: 1\n  normType: 1\n  semantics: exact\n', { clip: 'zclip' });
    expect(config.clip).toMatchObject({ kind: 'zclip', normType: 1 });
    expect(config.clip).not.toHaveProperty('semantics');
    expect(config.clip).not.toHaveProperty('maxNorm');
  });

  it('carries a required shared field over: a norm block\'s maxNorm becomes tensor-norm\'s', async () => {
    const { config, provenance } = await resolve('clip:\n  kind: norm\n  maxNorm: 0.5\n', { clip: 'tensor-norm' });
    expect(config.clip).toEqual({ kind: 'tensor-norm', maxNorm: 0.5, normType: 2 });
    expect(provenance['clip.maxNorm']).toBe('file');
  });

  it('keeps the file\'s options of the same kind under a flag for another of its options', async () => {
    const { config, provenance } = await resolve('clip:\n  kind: zclip\n  alpha: 0.9\n', { zclipWarmupSteps: '5' });
    expect(config.clip).toMatchObject({ kind: 'zclip', alpha: 0.9, warmupSteps: 5 });
    expect(provenance['clip.alpha']).toBe('file');
  });
});

describe('resolveConfig plugin modules', () => {
  it('reads --clip ./my-clip.js as a plugin module with empty options', async () => {
    const { config } = await resolve(undefined, { clip: './my-clip.js' });
    expect(config.clip).toEqual({ kind: 'module', module: './my-clip.js', options: {}, normType: 2 });
  });

  it.each(['../x.mjs', '/abs/clip.js', 'file:///abs/clip.js', 'plugins/clip.cjs'])('treats %s as a module path', async (spec) => {
    expect((await resolve(undefined, { clip: spec })).config.clip).toMatchObject({ kind: 'module', module: spec });
  });

  it('parses --clip-options as JSON5', async () => {
    const { config } = await resolve(undefined, { clip: './c.js', clipOptions: '{maxNorm: 2, tag: "a"}' });
    expect(config.clip).toMatchObject({ kind: 'module', options: { maxNorm: 2, tag: 'a' } });
  });

  it('makes a relative module path in a config file relative to that file', async () => {
    const text = 'clip:\n  kind: module\n  module: ./plugins/c.js\n  options: {maxNorm: 3}\n';
    const { config } = await resolveConfig({ file: await fileOf(text, 'exp/run.yaml'), flags: {} });
    expect(config.clip).toMatchObject({ kind: 'module', module: 'exp/plugins/c.js', options: { maxNorm: 3 } });
  });

  it('rebases module paths inside a chain and leaves absolute ones alone', async () => {
    const text = 'clip:\n  kind: chain\n  strategies:\n    - {kind: module, module: c.js}\n    - {kind: module, module: /abs/d.js}\n    - {kind: norm, maxNorm: 1}\n';
    const { config } = await resolveConfig({ file: await fileOf(text, 'exp/run.yaml'), flags: {} });
    const modules = config.clip.kind === 'chain' ? config.clip.strategies.map((s) => (s.kind === 'module' ? s.module : s.kind)) : [];
    expect(modules).toEqual(['exp/c.js', '/abs/d.js', 'norm']);
  });

  it('does not rebase a --clip path (it is relative to the working directory already)', async () => {
    const { config } = await resolveConfig({ file: await fileOf('seed: 1\n', 'exp/run.yaml'), flags: { clip: './c.js' } });
    expect(config.clip).toMatchObject({ module: './c.js' });
  });
});
