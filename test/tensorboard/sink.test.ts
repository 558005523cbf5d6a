import { chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTensorBoardSink, FILE_VERSION } from '../../src/report/sinks/tensorboard.js';
import { buildHistogram } from '../../src/report/tensorboard/histogram.js';
import { fakeClock, runMeta, readEventFile, record, scalarsOf, summary, tempDir } from './helpers.js';

const f32 = (x: number): number => Math.fround(x);

describe('createTensorBoardSink', () => {
  it('writes the file-version header then one summary event per step', async () => {
    const dir = await tempDir();
    const sink = createTensorBoardSink({ dir, now: fakeClock(1_700_000_000_000), hostname: 'testhost' });
    await sink.open(runMeta);
    await sink.write(record(1, { valLoss: 0.75 }));
    await sink.write(record(2, { clipped: false, clipCoef: 1, postClipNorm: 2 }));
    await sink.close(summary);

    const { name, events } = await readEventFile(dir);
    expect(name).toBe('events.out.tfevents.1700000000.testhost');
    expect(events[0]).toEqual({ wallTime: 1_700_000_000, step: 0, fileVersion: FILE_VERSION, sourceWriter: 'gclip' });
    expect(events.map((e) => [e.step, e.wallTime])).toEqual([
      [0, 1_700_000_000],
      [1, 1_700_000_001.5],
      [2, 1_700_000_003],
    ]);
    expect(scalarsOf(events[1])).toEqual({
      loss: 0.5,
      'grad_norm/pre_clip': 2,
      'grad_norm/post_clip': 1,
      'clip/coef': 0.5,
      'clip/rate': 1,
      'clip/threshold': 1,
      lr: f32(0.01),
      'val/loss': 0.75,
      'grad_norm_layer/dense/kernel': 1.5,
      'grad_norm_layer/dense/bias': 0.25,
    });
    // Step 2 is unclipped: rate over two steps is 1/2; no valLoss → no val/loss tag.
    expect(scalarsOf(events[2])).toMatchObject({ 'clip/rate': 0.5, 'clip/coef': 1 });
    expect(scalarsOf(events[2])).not.toHaveProperty('val/loss');
  });

  it('writes NaN and ±Infinity as IEEE floats and zero as a present value', async () => {
    const dir = await tempDir();
    const sink = createTensorBoardSink({ dir, now: fakeClock(0), hostname: 'h' });
    await sink.open(runMeta);
    await sink.write(record(5, { loss: Number.NaN, preClipNorm: Number.POSITIVE_INFINITY, clipCoef: 0, lr: Number.NEGATIVE_INFINITY }));
    await sink.close(summary);
    const scalars = scalarsOf((await readEventFile(dir)).events[1]);
    expect(scalars.loss).toBeNaN();
    expect(scalars['grad_norm/pre_clip']).toBe(Number.POSITIVE_INFINITY);
    expect(scalars.lr).toBe(Number.NEGATIVE_INFINITY);
    expect(scalars['clip/coef']).toBe(0);
  });

  it('adds gradient histograms on steps divisible by histogramEvery only', async () => {
    const dir = await tempDir();
    const sink = createTensorBoardSink({ dir, now: fakeClock(0), hostname: 'h', histogramEvery: 2 });
    const histograms = { 'dense/kernel': Float32Array.of(-1, 0.5, 2), 'dense/bias': Float32Array.of(0) };
    await sink.open(runMeta);
    for (const step of [1, 2, 3, 4]) await sink.write(record(step), { histograms });
    await sink.write(record(6)); // divisible, but the loop passed no histograms
    await sink.close(summary);

    const { events } = await readEventFile(dir);
    const histoTags = events.map((e) => (e.summary?.value ?? []).filter((v) => 'histo' in v).map((v) => v.tag));
    expect(histoTags).toEqual([[], [], ['grad_hist/dense/kernel', 'grad_hist/dense/bias'], [], ['grad_hist/dense/kernel', 'grad_hist/dense/bias'], []]);
    const kernel = events[2]!.summary!.value.find((v) => v.tag === 'grad_hist/dense/kernel');
    expect(kernel).toEqual({ tag: 'grad_hist/dense/kernel', histo: buildHistogram(histograms['dense/kernel']) });
  });

  it('writes each step as it ends by default, so a killed run keeps it', async () => {
    const dir = await tempDir();
    const sink = createTensorBoardSink({ dir, now: fakeClock(0), hostname: 'h' });
    await sink.open(runMeta);
    await sink.write(record(1));
    // Not closed yet: the header and step 1 are already on disk.
    expect((await readEventFile(dir)).events.map((e) => e.step)).toEqual([0, 1]);
    await sink.close(summary);
  });

  it('batches writes up to flushBytes when asked, and writes them anyway once flushMs passed', async () => {
    const dir = await tempDir();
    let t = 0;
    const sink = createTensorBoardSink({ dir, now: () => t, hostname: 'h', flushBytes: 1 << 20 });
    await sink.open(runMeta);
    t = 999;
    await sink.write(record(1));
    expect((await readEventFile(dir)).events).toEqual([]);
    t = 1000;
    await sink.write(record(2));
    expect((await readEventFile(dir)).events.length).toBe(3);
    await sink.close(summary);
    expect((await readEventFile(dir)).events.length).toBe(3);
  });

  it('never overwrites an existing event file and names the sink and the file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'events.out.tfevents.0.h'), 'earlier run');
    const sink = createTensorBoardSink({ dir, now: () => 0, hostname: 'h' });
    await expect(sink.open(runMeta)).rejects.toMatchObject({
      code: 'sink_write_failed',
      message: expect.stringMatching(/^log\.tensorboard: tensorboard sink could not write .*events\.out\.tfevents\.0\.h: EEXIST/),
    });
    expect(await readdir(dir)).toEqual(['events.out.tfevents.0.h']);
  });

  // Root ignores permission bits; the EEXIST case above covers the wrapping there.
  it.skipIf(process.getuid?.() === 0)('throws sink_write_failed when the directory cannot be written', async () => {
    const dir = await tempDir();
    await chmod(dir, 0o500);
    const sink = createTensorBoardSink({ dir: join(dir, 'sub'), now: () => 0, hostname: 'h' });
    await expect(sink.open(runMeta)).rejects.toMatchObject({ code: 'sink_write_failed' });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects histogramEvery = %s at creation', (histogramEvery) => {
    expect(() => createTensorBoardSink({ dir: '/unused', histogramEvery })).toThrow(
      `log.tensorboard.histogramEvery: histogramEvery must be a positive integer, received ${histogramEvery}`,
    );
  });

  it('rejects write before open and after close as internal errors', async () => {
    const dir = await tempDir();
    const sink = createTensorBoardSink({ dir, now: () => 0, hostname: 'h' });
    await expect(sink.write(record(1))).rejects.toMatchObject({ code: 'sink_not_open', exitCode: 3 });
    await sink.open(runMeta);
    await sink.close(summary);
    await expect(sink.write(record(1))).rejects.toThrow('tensorboard sink used before open() or after close()');
  });
});
