import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, nodeReader } from './load.js';
import { resolveConfig } from './merge.js';

const CONFIGS = fileURLToPath(new URL('../../configs/', import.meta.url));

async function resolveShipped(name: string, flags: Record<string, string> = {}) {
  return resolveConfig({ file: await loadConfigFile(`${CONFIGS}${name}`, nodeReader), flags });
}

describe('shipped configs', () => {
  it('include the names other code and docs rely on', async () => {
    const names = await readdir(CONFIGS);
    expect(names).toEqual(expect.arrayContaining(['demo.yaml', 'stable-mlp.yaml', 'exploding-rnn.yaml']));
  });

  it.each(['demo.yaml', 'stable-mlp.yaml', 'exploding-rnn.yaml'])('%s loads and validates', async (name) => {
    const { config } = await resolveShipped(name);
    expect(config.name).toBe(name.replace('.yaml', ''));
  });

  it('every YAML file in configs/ validates', async () => {
    const names = (await readdir(CONFIGS)).filter((n) => /\.ya?ml$/.test(n));
    for (const name of names) await expect(resolveShipped(name)).resolves.toBeDefined();
  });

  it('demo is a small, quick MLP regression with Adam', async () => {
    const { config } = await resolveShipped('demo.yaml');
    expect(config).toMatchObject({ model: { kind: 'mlp' }, data: { kind: 'regression' }, train: { optimizer: 'adam' } });
    expect(config.train.steps).toBeLessThanOrEqual(300);
  });

  it('exploding-rnn is a tanh RNN on the adding problem with plain SGD and no clipping', async () => {
    const { config } = await resolveShipped('exploding-rnn.yaml');
    expect(config.model).toMatchObject({ kind: 'rnn', activation: 'tanh' });
    expect(config.data).toMatchObject({ kind: 'adding' });
    expect(config.train.optimizer).toBe('sgd');
    expect(config.clip.kind).toBe('none');
  });

  it('exploding-rnn takes --clip-norm 1.0 as the clipped variant', async () => {
    const { config } = await resolveShipped('exploding-rnn.yaml', { clipNorm: '1.0' });
    expect(config.clip).toMatchObject({ kind: 'norm', maxNorm: 1 });
  });
});
