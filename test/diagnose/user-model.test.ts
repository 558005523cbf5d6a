/** Issue #16 item 4: a user's model starts from its own training config or neutral defaults, never the demo's, and says where each setting came from. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclipAsync, stripAnsi } from '../helpers/cli.js';

const DATA = ['--data', 'fixtures/data/houses.csv', '--target', 'price', '--steps', '3', '--quiet'];

/** Terminal text with table borders dropped and whitespace collapsed, so a wrapped cell reads as one line. */
function flat(text: string): string {
  return stripAnsi(text).replace(/[│├┤┼─┌┐└┘┬┴]/g, ' ').replace(/\s+/g, ' ');
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

describe('gclip train --model model.json without --config', () => {
  it('uses neutral defaults (no clipping), is named after the model and is not the demo', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gclip-user-model-')), 'run');
    const r = await gclipAsync(['train', '--model', 'fixtures/models/keras/model.json', ...DATA, '--out', out]);
    expect(r.stderr).not.toMatch(/demo/);
    const config = readJson<{ name: string; clip: { kind: string }; train: { lr: number; optimizer: string } }>(join(out, 'config.json'));
    expect(config.name).toBe('keras');
    expect(config.clip.kind).toBe('none');
    // The fixture's training_config names Adam at 0.001: the same values, now from model.json.
    expect(config.train).toMatchObject({ optimizer: 'adam', lr: 0.001 });
    expect(stripAnsi(r.stdout)).toMatch(/clipping\s+│ none \(default\)/);
    // The huge-gradient hint may suggest clipping here: this run did not clip.
    expect(r.stdout + r.stderr).not.toMatch(/already clips/);
  }, 120_000);

  it("trains with the Keras training_config's optimizer, rate, clipping and loss, and names model.json as their source everywhere", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-keras-config-'));
    const out = join(dir, 'run');
    const r = await gclipAsync(['train', '--model', 'fixtures/models/keras-rmsprop/model.json', ...DATA, '--out', out]);
    expect(r.code).toBe(0);
    const config = readJson<{ train: Record<string, unknown>; clip: Record<string, unknown>; provenance: Record<string, string> }>(join(out, 'config.json'));
    // RMSprop(learning_rate=0.002, global_clipnorm=5.0), loss mean_absolute_error; Keras stored the rate as float32.
    expect(config.train).toMatchObject({ optimizer: 'rmsprop', lr: 0.0020000000949949026, loss: 'mae' });
    expect(config.clip).toEqual({ kind: 'norm', normType: 2, maxNorm: 5, semantics: 'tf' });
    expect(config.provenance).toMatchObject({ 'train.optimizer': 'model.json', 'train.lr': 'model.json', 'train.loss': 'model.json', 'clip.maxNorm': 'model.json', 'train.steps': 'flag', 'train.momentum': 'default' });
    const summary = readJson<{ settings: unknown; clipRate: number }>(join(out, 'summary.json'));
    expect(summary.settings).toEqual({
      loss: { value: 'mae', source: 'model.json' },
      optimizer: { value: 'rmsprop', source: 'model.json' },
      lr: { value: '0.002', source: 'model.json' },
      clip: { value: 'norm (maxNorm 5, semantics tf)', source: 'model.json' },
    });
    const rows = ['loss mae (model.json)', 'optimizer rmsprop (model.json)', 'learning rate 0.002 (model.json)', 'clipping norm (maxNorm 5, semantics tf) (model.json)'];
    const report = await gclipAsync(['report', out, '--html', join(dir, 'report.html')]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const row of rows) {
      expect(flat(r.stdout)).toContain(row);
      expect(flat(report.stdout)).toContain(row);
    }
    expect(html).toContain('rmsprop (model.json)');
    expect(html).toContain('norm (maxNorm 5, semantics tf) (model.json)');
    // The run clipped at 5: no hint may tell it to clip at 1.
    if (summary.clipRate > 0) expect(r.stdout).not.toMatch(/clip the gradients \(--clip-norm/);
  }, 120_000);

  it('refuses an optimizer gclip does not build, naming it and what to pass, unless --optimizer is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-adadelta-'));
    mkdirSync(join(dir, 'housing'));
    const model = readJson<{ modelTopology: { training_config: Record<string, unknown> } }>('fixtures/models/keras/model.json');
    model.modelTopology.training_config.optimizer_config = { module: 'keras.optimizers', class_name: 'Adadelta', config: { name: 'Adadelta', learning_rate: 1.0, rho: 0.95 } };
    writeFileSync(join(dir, 'housing/model.json'), JSON.stringify(model));
    copyFileSync('fixtures/models/keras/group1-shard1of1.bin', join(dir, 'housing/group1-shard1of1.bin'));
    const refused = await gclipAsync(['train', '--model', join(dir, 'housing/model.json'), ...DATA, '--out', join(dir, 'a')]);
    expect(refused.code).toBe(2);
    expect(stripAnsi(refused.stderr)).toContain('uses the optimizer Adadelta, which gclip does not train with');
    expect(refused.stderr).toContain('--optimizer adam, sgd, momentum or rmsprop');
    const chosen = await gclipAsync(['train', '--model', join(dir, 'housing/model.json'), ...DATA, '--optimizer', 'sgd', '--lr', '1e-9', '--out', join(dir, 'b')]);
    expect(chosen.code).toBe(0);
    expect(stripAnsi(chosen.stdout)).toMatch(/optimizer\s+│ sgd \(flag\)/);
    expect(stripAnsi(chosen.stdout)).toMatch(/loss\s+│ mse \(model.json\)/);
  }, 120_000);

  it('says it trained a classifier when a built-in model gets a text target', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gclip-text-target-')), 'run');
    const r = await gclipAsync(['train', '--data', 'fixtures/data/houses.csv', '--target', 'city', '--steps', '3', '--quiet', '--out', out]);
    expect(r.code).toBe(0);
    // houses.csv's city column holds 3 names.
    expect(stripAnsi(r.stdout)).toContain('hint: the target `city` is text, so gclip trained a classifier over its 3 classes (categorical-crossentropy)');
    expect(stripAnsi(r.stdout)).toMatch(/loss\s+│ categorical-crossentropy \(default\)/);
    const tasked = await gclipAsync(['train', '--data', 'fixtures/data/houses.csv', '--target', 'city', '--task', 'classification', '--steps', '3', '--quiet', '--out', `${out}-2`]);
    expect(tasked.stdout).not.toContain('trained a classifier');
  }, 120_000);
});
