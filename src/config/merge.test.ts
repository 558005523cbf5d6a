import { describe, expect, it } from 'vitest';
import { loadConfigFile, memoryReader } from './load.js';
import { resolveConfig, type RawFlags } from './merge.js';

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
