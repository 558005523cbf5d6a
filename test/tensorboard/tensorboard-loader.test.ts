/**
 * Opens gclip's event files with TensorBoard's own loader (EventFileLoader and
 * plugin_event_accumulator, reading through tensorflow_stub's CRC-checking record reader).
 * TensorBoard cannot be pip-installed here, so this runs only when GCLIP_TENSORBOARD_SRC
 * names a tensorflow/tensorboard source checkout; the test copies its Python and .proto
 * files to a temp dir and generates the *_pb2 modules with protoc. Also needs Debian
 * python3-protobuf, python3-numpy and python3-absl (`.ci/install-tools`).
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTensorBoardSink } from '../../src/report/sinks/tensorboard.js';
import { fakeClock, record, runMeta, summary, tempDir } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = process.env.GCLIP_TENSORBOARD_SRC;
const python = process.env.GCLIP_PYTHON ?? '/usr/bin/python3';
const protoc = process.env.GCLIP_PROTOC ?? 'protoc';
const title = source
  ? "TensorBoard's event loader reads the scalars and histograms back"
  : "SKIPPED: set GCLIP_TENSORBOARD_SRC to a tensorflow/tensorboard checkout to open the files with TensorBoard's own loader";

type Json = number | string;
interface Loaded {
  tf: string;
  events: number;
  plugins: Record<string, string>;
  scalars: Record<string, [number, Json][]>;
  histograms: Record<string, [number, Json[][]][]>;
}

/** Copies `<source>/tensorboard` (.py and .proto only) and compiles its protos. */
async function prepareTensorBoard(src: string): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'gclip-tbsrc-'));
  await cp(join(src, 'tensorboard'), join(parent, 'tensorboard'), {
    recursive: true,
    filter: (p) => !p.includes('node_modules') && (/\.(py|proto)$/.test(p) || !/\.[a-z0-9]+$/i.test(p)),
  });
  const protos = (await readdir(join(parent, 'tensorboard'), { recursive: true }))
    .filter((p) => p.endsWith('.proto') && (p.startsWith('compat/proto/') || (p.startsWith('plugins/') && !p.includes('test'))))
    .map((p) => relative(parent, join(parent, 'tensorboard', p)));
  execFileSync(protoc, [`-I${parent}`, `--python_out=${parent}`, ...protos], { cwd: parent });
  return parent;
}

describe("TensorBoard's own event loader", () => {
  it.skipIf(!source)(title, async () => {
    const dir = await tempDir();
    const sink = createTensorBoardSink({ dir, now: fakeClock(1_700_000_000_000), hostname: 'h', histogramEvery: 2 });
    await sink.open(runMeta);
    for (const step of [0, 1, 2]) {
      await sink.write(record(step, { loss: step === 1 ? Number.NaN : 0.5, valLoss: step === 2 ? 0.25 : null }), {
        histograms: { 'dense/kernel': Float32Array.of(-1, 0, 0.5, 2) },
      });
    }
    await sink.close(summary);

    const parent = await prepareTensorBoard(source as string);
    const stdout = execFileSync(python, [join(here, 'load_with_tensorboard.py'), parent, dir], { encoding: 'utf8' });
    const loaded = JSON.parse(stdout) as Loaded;
    expect(loaded.tf).toBe('tensorboard.compat.tensorflow_stub'); // TensorBoard's reader, not TensorFlow's
    expect(loaded.events).toBe(4); // file_version + 3 steps
    expect(loaded.plugins['loss']).toBe('scalars');
    expect(loaded.plugins['grad_hist/dense/kernel']).toBe('histograms');
    expect(loaded.scalars['loss']).toEqual([
      [0, 0.5],
      [1, 'NaN'],
      [2, 0.5],
    ]);
    expect(loaded.scalars['val/loss']).toEqual([[2, 0.25]]);
    expect(loaded.scalars['clip/rate']).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    const histos = loaded.histograms['grad_hist/dense/kernel'] ?? [];
    expect(histos.map(([step]) => step)).toEqual([0, 2]);
    // Rows are [left, right, count]; the four finite values are all counted.
    const counts = histos[0]![1].map((row) => row[2] as number);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
