import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../config/schema.js';
import { batchIndices } from '../data/batches.js';
import type { StepRecord } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { initBackend } from '../runtime/backend.js';
import { createRng } from '../runtime/rng.js';
import { batchesOf, createBatchNamer } from './blame.js';
import { foreignRecord } from '../log/foreign.js';
import { train } from './run.js';
import { countReadbacksIn } from '../../test/helpers/readbacks.js';

function recorder(): Sink & { records: StepRecord[] } {
  const records: StepRecord[] = [];
  return { name: 'recorder', records, open: async () => {}, write: async (r) => void records.push(r), close: async () => {} };
}

const run = async (input: RunConfigInput, cwd = process.cwd()) => {
  const sink = recorder();
  const summary = await train(runConfigSchema.parse(input), { backend: 'wasm', sinks: [sink], now: () => 0, cwd });
  return { summary, records: sink.records };
};

beforeAll(async () => {
  await initBackend('wasm');
});

describe('createBatchNamer', () => {
  it('maps the schedule\'s training-split indices to the lines (CSV) or records (JSON) they came from', () => {
    const schedule = { at: (dataStep: number) => Int32Array.from([dataStep, 0]) };
    const at = Int32Array.from([9, 4, 2, 7]);
    expect(createBatchNamer(schedule, { file: 'd.csv', unit: 'line', at })(5, 2)).toEqual({ step: 5, indices: [2, 0], file: 'd.csv', lines: [2, 9] });
    expect(createBatchNamer(schedule, { file: 'd.json', unit: 'record', at })(0, 3)).toEqual({ step: 0, indices: [3, 0], file: 'd.json', records: [7, 9] });
    expect(createBatchNamer(schedule, undefined)(1, 1)).toEqual({ step: 1, indices: [1, 0] });
  });
});

describe('batchesOf', () => {
  const name = (step: number) => ({ step, indices: [step] });
  const base = { ...foreignRecord({ step: 12, loss: 50, gradNorm: 1 }) };

  it('names the record\'s own step, a divergence\'s first diverged step and the onset, each once, in that order', () => {
    const divergence = { kind: 'divergence', step: 12, since: 8, loss: 50, bestLoss: 1, factor: 50, layer: null } as const;
    const spike = { kind: 'spike', step: 12, preClipNorm: 9, median: 1, z: 20, layer: null } as const;
    const onset = { step: 6, signal: 'grad_norm', layer: null, layerRatio: null, lossRatio: null } as const;
    expect(batchesOf({ ...base, events: [spike] }, null, name).map((b) => b.step)).toEqual([12]);
    expect(batchesOf({ ...base, events: [divergence] }, onset, name).map((b) => b.step)).toEqual([12, 8, 6]);
    expect(batchesOf({ ...base, events: [divergence] }, { ...onset, step: 8 }, name).map((b) => b.step)).toEqual([12, 8]);
  });
});

describe('bad-batch blame in a run', () => {
  const EXPLODING: RunConfigInput = {
    model: { kind: 'rnn', units: 32, recurrentInit: { kind: 'orthogonal', scale: 3 } },
    data: { kind: 'adding', seqLength: 30 },
    train: { steps: 60, optimizer: 'sgd', lr: 0.5 },
  };

  it('synthetic task: names training-split indices only, on records with events, with no extra readback', async () => {
    const { result, reads } = await countReadbacksIn(() => run(EXPLODING));
    const { summary, records } = result;
    expect(reads).toBe(records.length);
    expect(summary.status).toBe('halted');
    // Only records with events carry batches, and each names its own step's batch first.
    for (const r of records) {
      expect(r.batches !== undefined).toBe(r.events.length > 0);
      if (r.batches) expect(r.batches[0]!.step).toBe(r.step);
    }
    const onset = summary.onset!;
    const config = runConfigSchema.parse(EXPLODING);
    // adding: 2048 samples, 10 % validation → 1844 training rows, batches of 64 (the defaults).
    const expected = batchIndices(onset.step, { trainSize: 1844, batchSize: 64, shuffle: true }, createRng(config.seed).fork('batches'));
    expect(onset.batch).toEqual({ step: onset.step, indices: Array.from(expected) });
  });

  it('names the CSV line of a row scaled by 1e6 at the onset, and a run skipping those lines equals a run on the file without them', async () => {
    const text = readFileSync('fixtures/data/blowup.csv', 'utf8');
    // The planted row: its values are about 1e6 times the others' (|v| ≤ 1.2 elsewhere).
    const badLine = text.split('\n').findIndex((l) => l.split(',').some((c) => Math.abs(Number(c)) > 1000)) + 1;
    expect(badLine).toBe(122);
    const dir = mkdtempSync(join(tmpdir(), 'gclip-blame-'));
    const input = (path: string, skipRows?: string): RunConfigInput => ({
      seed: 5,
      model: { kind: 'mlp', hidden: [16] },
      data: { kind: 'file', path, target: 'y', batchSize: 16, ...(skipRows ? { skipRows } : {}) },
      train: { steps: 40, optimizer: 'sgd', lr: 0.05 },
      clip: { kind: 'none' },
    });
    const bad = await run(input('fixtures/data/blowup.csv'));
    expect(bad.summary.status).toBe('halted');
    const batch = bad.summary.onset!.batch!;
    expect(batch.lines).toContain(badLine);
    expect(batch.file).toBe('fixtures/data/blowup.csv');
    // The onset step's record or the one fixing the onset names the same batch.
    expect(bad.records.flatMap((r) => r.batches ?? []).filter((b) => b.step === batch.step)[0]).toEqual(batch);
    writeFileSync(join(dir, 'skip.txt'), batch.lines!.join('\n'));
    const skipped = await run(input('fixtures/data/blowup.csv', join(dir, 'skip.txt')));
    expect(skipped.summary.status).toBe('ok');
    expect(skipped.summary.events).toEqual({});
    const drop = new Set(batch.lines);
    writeFileSync(join(dir, 'edited.csv'), text.split('\n').filter((_, i) => !drop.has(i + 1)).join('\n'));
    const edited = await run(input(join(dir, 'edited.csv')));
    expect(edited.records).toEqual(skipped.records);
  });
});
