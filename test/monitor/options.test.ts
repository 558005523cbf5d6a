/**
 * monitor()'s options and run.step: errors with field paths before any training, a config
 * file path, a strategy object, and clipped gradients equal to clipGradNorm's.
 */
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm, clipGradNorm, monitor } from '../../src/index.js';
import { tf } from '../../src/runtime/tf.js';
import { thrownGclipError } from '../helpers/errors.js';
import { makeData, makeModel } from './fixture.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The gradients and loss of the fixture model's first batch. */
function firstGrads(model: tf.LayersModel) {
  const { xs, ys } = makeData();
  const out = tf.variableGrads(() => tf.mean(tf.metrics.meanSquaredError(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar);
  tf.dispose([xs, ys]);
  return out;
}

describe('monitor() options', () => {
  it('names the field of a bad value, before training', () => {
    const e = thrownGclipError(() => monitor({ clip: { kind: 'norm', maxNorm: -1 } }));
    expect(e.code).toBe('invalid_config');
    expect(e.issues[0]!.path).toBe('clip.maxNorm');
  });

  it('names a misspelt key with a did-you-mean hint', () => {
    const e = thrownGclipError(() => monitor({ detect: { spike: { zThresh: 3 } } } as never));
    expect(e.issues[0]).toMatchObject({ path: 'detect.spike.zThresh' });
    expect(e.issues[0]!.hint).toContain('zThreshold');
  });

  it('refuses a module strategy and an option that is not an object', () => {
    expect(thrownGclipError(() => monitor({ clip: { kind: 'module', module: './x.js' } })).issues[0]!.path).toBe('clip.module');
    expect(thrownGclipError(() => monitor(42 as never)).code).toBe('invalid_option');
  });

  it('takes a config file path, with file:line in its errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gclip-monitor-opts-'));
    const good = join(dir, 'good.yaml');
    await writeFile(good, 'model: { kind: lstm }\nclip:\n  kind: norm\n  maxNorm: 0.25\n');
    const run = monitor(good);
    const model = makeModel();
    const { value, grads } = firstGrads(model);
    const step = run.step({ grads, loss: value });
    expect(step.record.threshold).toBe(0.25);
    expect(step.record.clipped).toBe(true);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'clip:\n  kind: norm\n  maxNorm: 0\n');
    expect(thrownGclipError(() => monitor(bad)).issues[0]).toMatchObject({ path: 'clip.maxNorm', source: `${bad}:3` });
    expect(thrownGclipError(() => monitor(join(dir, 'missing.yaml'))).code).toBe('config_not_found');
    tf.dispose([value, grads, step.grads]);
    model.dispose();
  });

  it('writes TensorBoard event files with log.tensorboard', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gclip-monitor-tb-'));
    const run = monitor({ log: { tensorboard: join(dir, 'tb') }, out: join(dir, 'run') });
    const model = makeModel();
    const { value, grads } = firstGrads(model);
    tf.dispose(run.step({ grads, loss: value }).grads);
    await run.close();
    const [events] = await readdir(join(dir, 'tb'));
    expect(events).toMatch(/^events\.out\.tfevents\./);
    expect((await stat(join(dir, 'tb', events!))).size).toBeGreaterThan(100);
    expect(await readdir(join(dir, 'run'))).toEqual(['config.json', 'steps.jsonl', 'summary.json']);
    tf.dispose([value, grads]);
    model.dispose();
  });

  it('refuses a run directory that already holds a run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gclip-monitor-opts-'));
    await writeFile(join(dir, 'steps.jsonl'), '');
    expect(thrownGclipError(() => monitor({ out: dir })).code).toBe('run_dir_exists');
  });
});

describe('run.step', () => {
  it('clips as clipGradNorm does on the same gradients, and hands back new tensors', () => {
    const model = makeModel();
    const { value, grads } = firstGrads(model);
    const run = monitor({ clip: { kind: 'norm', maxNorm: 0.5 } });
    const step = run.step({ grads, loss: value });
    const reference = clipGradNorm(grads, 0.5);
    expect(step.decision).toBe('apply');
    expect(step.record.preClipNorm).toBe(reference.totalNorm.dataSync()[0]);
    for (const name of Object.keys(grads)) {
      expect(step.grads[name]).not.toBe(grads[name]);
      expect(step.grads[name]!.dataSync()).toEqual(reference.grads[name]!.dataSync());
    }
    expect(step.record.layerNorms).toHaveProperty('hidden');
    tf.dispose([value, grads, step.grads, reference.grads, reference.totalNorm]);
    model.dispose();
  });

  it('takes a strategy object for clip', () => {
    const model = makeModel();
    const { value, grads } = firstGrads(model);
    const run = monitor({ clip: clipByGlobalNorm({ maxNorm: 0.5 }) });
    const step = run.step({ grads, loss: value });
    expect(step.record.postClipNorm).toBeCloseTo(0.5, 5);
    expect(run.summary()).toMatchObject({ status: 'ok', steps: 1, runDir: null });
    tf.dispose([value, grads, step.grads]);
    model.dispose();
  });
});
