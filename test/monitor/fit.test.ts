/**
 * monitor() inside model.fit / fitDataset: the run directory that `gclip report` and
 * `gclip check --log` accept, the same records as a custom loop over the same batches, halt
 * and skip, readbacks per step and a flat tensor count.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { monitor } from '../../src/index.js';
import { loadLog, type StepRecord } from '../../src/log/index.js';
import { tf } from '../../src/runtime/tf.js';
import { gclip } from '../helpers/cli.js';
import { BATCH, makeData, makeModel, SAMPLES, weightValues } from './fixture.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const STEPS = SAMPLES / BATCH;

/** The records of the run directory `dir`, read back as `gclip check --log` reads them. */
async function readRecords(dir: string) {
  return (await loadLog(join(dir, 'steps.jsonl'), (f) => readFile(f, 'utf8'))).records;
}

async function fitMonitored(options: Parameters<typeof monitor>[0], data = makeData(), epochs = 1) {
  const run = monitor(options);
  const model = makeModel();
  model.compile({ optimizer: run.optimizer(tf.train.sgd(0.05)), loss: 'meanSquaredError' });
  await model.fit(data.xs, data.ys, { batchSize: BATCH, epochs, shuffle: false, callbacks: [run.callback()], verbose: 0 });
  const summary = await run.close();
  return { run, model, summary, data };
}

const EPOCHS_500 = Math.ceil(500 / STEPS);

/** tf.memory().numTensors after each batch of a fit of at least 500 steps. */
async function tensorCounts(model: tf.LayersModel, data: { xs: tf.Tensor; ys: tf.Tensor }, callbacks: tf.CustomCallback[] | ReturnType<ReturnType<typeof monitor>['callback']>[]) {
  const counts: number[] = [];
  const count = new tf.CustomCallback({ onBatchEnd: async () => void counts.push(tf.memory().numTensors) });
  await model.fit(data.xs, data.ys, { batchSize: BATCH, epochs: EPOCHS_500, shuffle: false, callbacks: [...callbacks, count], verbose: 0 });
  return counts;
}

describe('monitor() with model.fit', () => {
  it('writes a run directory that gclip report and gclip check --log accept', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gclip-monitor-')), 'run');
    const { summary } = await fitMonitored({ clip: { kind: 'norm', maxNorm: 10 }, out: dir }, makeData(), 2);
    expect(summary).toMatchObject({ status: 'ok', steps: 2 * STEPS, runDir: dir, backend: 'cpu' });
    const records = await readRecords(dir);
    expect(records).toHaveLength(2 * STEPS);
    expect(Object.keys(records[0]!.layerNorms)).toEqual(['hidden', 'out']);
    expect(records[0]!.lr).toBeCloseTo(0.05, 7);
    expect(records.filter((r) => r.clipped).length).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'ok', steps: 2 * STEPS });
    const check = gclip(['check', '--log', join(dir, 'steps.jsonl')]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    const report = gclip(['report', dir]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(`${2 * STEPS} (step 0 → ${2 * STEPS - 1})`);
  });

  it('writes the same run directory from fitDataset', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'gclip-monitor-')), 'run');
    const run = monitor({ clip: { kind: 'norm', maxNorm: 10 }, out: dir });
    const model = makeModel();
    model.compile({ optimizer: run.optimizer(tf.train.sgd(0.05)), loss: 'meanSquaredError' });
    const { xs, ys } = makeData();
    const ds = tf.data.zip({ xs: tf.data.array(tf.unstack(xs)), ys: tf.data.array(tf.unstack(ys)) }).batch(BATCH);
    await model.fitDataset(ds, { epochs: 1, callbacks: [run.callback()], verbose: 0 });
    await run.close();
    // The same batches as fit: the same records.
    const fitted = await fitMonitored({ clip: { kind: 'norm', maxNorm: 10 } });
    const strip = (r: { wallMs: number }) => ({ ...r, wallMs: 0 });
    expect((await readRecords(dir)).map(strip)).toEqual(fitted.run.records().map(strip));
    expect(gclip(['check', '--log', join(dir, 'steps.jsonl')]).code).toBe(0);
  });

  it('records what a custom loop with run.step records over the same batches', async () => {
    const fitted = await fitMonitored({ clip: { kind: 'norm', maxNorm: 1 } });
    const run = monitor({ clip: { kind: 'norm', maxNorm: 1 } });
    const model = makeModel();
    const optimizer = tf.train.sgd(0.05);
    const { xs, ys } = makeData();
    for (let b = 0; b < STEPS; b++) {
      const x = xs.slice([b * BATCH, 0], [BATCH, 4]);
      const y = ys.slice([b * BATCH, 0], [BATCH, 1]);
      const { value, grads } = optimizer.computeGradients(() => tf.mean(tf.metrics.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
      const step = run.step({ grads, loss: value, lr: 0.05 });
      if (step.decision === 'apply') optimizer.applyGradients(step.grads);
      tf.dispose([x, y, value, grads, step.grads]);
    }
    // run.step cannot see the update (the caller's optimizer applies it): fit's records add the update telemetry.
    const strip = (r: StepRecord) => ({ ...r, wallMs: 0, updateNorm: undefined, layerUpdateNorms: undefined, layerUpdateRatios: undefined });
    expect(run.records().every((r) => r.updateNorm === undefined)).toBe(true);
    expect(fitted.run.records().every((r) => r.updateNorm !== undefined)).toBe(true);
    expect(run.records().map(strip)).toEqual(fitted.run.records().map(strip));
    expect(weightValues(model)).toEqual(weightValues(fitted.model));
  });

  it('records the update each step applied (‖Δw‖, per layer and relative to the weights before), from the one readback', async () => {
    for (const [name, optimizer] of [['sgd', () => tf.train.sgd(0.05)], ['adam', () => tf.train.adam(0.01)]] as const) {
      const run = monitor({});
      const model = makeModel();
      model.compile({ optimizer: run.optimizer(optimizer()), loss: 'meanSquaredError' });
      const before: Float32Array[][] = [];
      const after: Float32Array[][] = [];
      const snap = new tf.CustomCallback({ onBatchBegin: async () => void before.push(weightValues(model)), onBatchEnd: async () => void after.push(weightValues(model)) });
      const { xs, ys } = makeData();
      await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, callbacks: [run.callback(), snap], verbose: 0 });
      const records = run.records();
      // Weights in model order: hidden kernel, bias, out kernel, bias.
      const layers = { hidden: [0, 1], out: [2, 3] };
      records.forEach((r, k) => {
        // tfjs creates Adam's slots in its first step, which the fused kernel cannot measure: that record has no update fields.
        if (name === 'adam' && k === 0) return expect(r.updateNorm, `${name} step 0`).toBeUndefined();
        const sq = (ws: number[], f: (j: number, i: number) => number) => ws.reduce((s, j) => s + before[k]![j]!.reduce((a, _, i) => a + f(j, i) ** 2, 0), 0);
        const du = (ws: number[]) => Math.sqrt(sq(ws, (j, i) => after[k]![j]![i]! - before[k]![j]![i]!));
        const w = (ws: number[]) => Math.sqrt(sq(ws, (j, i) => before[k]![j]![i]!));
        expect(r.updateNorm, `${name} step ${k}`).toBeCloseTo(du([0, 1, 2, 3]), 6);
        for (const [layer, ws] of Object.entries(layers)) {
          expect(r.layerUpdateNorms![layer], `${name} step ${k} ${layer}`).toBeCloseTo(du(ws), 6);
          expect(r.layerUpdateRatios![layer]! / (du(ws) / w(ws)), `${name} step ${k} ${layer} ratio`).toBeCloseTo(1, 5);
        }
      });
      expect((await run.close()).updateRatio).not.toBeNull();
    }
  });

  it('halts fit at the step the detector names, without applying that step', async () => {
    const nanBatch = 3;
    const { run, summary, model } = await fitMonitored({}, makeData(nanBatch * BATCH + 2), 3);
    expect(summary.status).toBe('halted');
    expect(summary.reason).toContain(`step ${nanBatch}`);
    expect(run.records()).toHaveLength(nanBatch + 1);
    expect(run.records().at(-1)!.events[0]).toMatchObject({ kind: 'nonfinite', step: nanBatch });
    expect(weightValues(model).every((w) => w.every(Number.isFinite))).toBe(true);
  });

  it('skip leaves the weights bit for bit as they were before the skipped step', async () => {
    const nanBatch = 2;
    const run = monitor({ detect: { nonfinite: { action: 'skip' } } });
    const model = makeModel();
    model.compile({ optimizer: run.optimizer(tf.train.sgd(0.05)), loss: 'meanSquaredError' });
    const after: Float32Array[][] = [];
    const snapshot = new tf.CustomCallback({ onBatchEnd: async () => void after.push(weightValues(model)) });
    const { xs, ys } = makeData(nanBatch * BATCH);
    await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, callbacks: [run.callback(), snapshot], verbose: 0 });
    const records = run.records();
    expect(records.map((r) => r.skipped)).toEqual(records.map((_, i) => i === nanBatch));
    expect(after[nanBatch]).toEqual(after[nanBatch - 1]);
    expect(after[nanBatch + 1]).not.toEqual(after[nanBatch]);
    expect((await run.close()).skippedSteps).toBe(1);
  });

  it('reads back at most once per step more than plain fit, and keeps the tensor count flat over 500 steps', async () => {
    const backend = tf.backend() as unknown as { readSync(id: unknown): unknown; read(id: unknown): Promise<unknown> };
    let reads = 0;
    const [readSync, read] = [backend.readSync, backend.read];
    backend.readSync = function (id) { reads++; return readSync.call(this, id); };
    backend.read = function (id) { reads++; return read.call(this, id); };
    try {
      const data = makeData();
      const plainModel = makeModel();
      plainModel.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
      reads = 0;
      await plainModel.fit(data.xs, data.ys, { batchSize: BATCH, epochs: 5, shuffle: false, verbose: 0 });
      const plain = reads;
      const run = monitor({ clip: { kind: 'norm', maxNorm: 1 }, detect: { divergence: { enabled: false } } });
      const model = makeModel();
      model.compile({ optimizer: run.optimizer(tf.train.sgd(0.01)), loss: 'meanSquaredError' });
      reads = 0;
      await model.fit(data.xs, data.ys, { batchSize: BATCH, epochs: 5, shuffle: false, callbacks: [run.callback()], verbose: 0 });
      expect(reads - plain).toBe(5 * STEPS);
      // tfjs's History keeps a tensor per epoch: compare with plain fit batch by batch.
      const plainCounts = await tensorCounts(plainModel, data, []);
      const counts = await tensorCounts(model, data, [run.callback()]);
      expect(run.records()).toHaveLength(5 * STEPS + EPOCHS_500 * STEPS);
      const extra = counts.map((c, i) => c - plainCounts[i]!);
      expect(new Set(extra).size, `monitor's extra tensors per batch: ${extra.join(' ')}`).toBe(1);
    } finally {
      backend.readSync = readSync;
      backend.read = read;
    }
  });
});
