/**
 * Independent check of the event files: Google's protobuf runtime (Debian python3-protobuf)
 * decodes them through classes protoc generates from tensorboard_subset.proto, a
 * hand-restated copy of TensorBoard's field numbers, and the CRCs are recomputed with
 * python3-crc32c. Nothing of gclip's encoder or decoder is involved on that side.
 * Skipped, with the reason in the test name, where python3-protobuf or protoc is absent
 * (`.ci/install-tools` installs them). `GCLIP_PYTHON` and `GCLIP_PROTOC` override the tools.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/record.js';
import { createTensorBoardSink } from '../../src/report/sinks/tensorboard.js';
import { fakeClock, runMeta, readEventFile, record, summary, tempDir } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** First interpreter that can import google.protobuf (pyenv shims often cannot). */
function findPython(): string | null {
  for (const candidate of [process.env.GCLIP_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['-c', 'import google.protobuf'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

const protoc = process.env.GCLIP_PROTOC ?? 'protoc';

function hasProtoc(): boolean {
  try {
    execFileSync(protoc, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const python = findPython();
const ready = python !== null && hasProtoc();
const skipReason =
  'SKIPPED: python3 with google.protobuf and protoc not found; run .ci/install-tools (apt: python3-protobuf protobuf-compiler)';
/** The test name, or the skip reason in front of it so the reporter shows why. */
const title = (name: string): string => (ready ? name : `${skipReason}: ${name}`);

type Json = number | string;
interface PyValue {
  tag: string;
  kind: string;
  simple_value?: Json;
  histo?: { min: Json; max: Json; num: Json; sum: Json; sum_squares: Json; bucket_limit: Json[]; bucket: Json[] };
}
interface PyEvent {
  wall_time: number;
  step: number;
  what: string;
  file_version?: string;
  writer?: string;
  values?: PyValue[];
}

/** The number as decode_events.py prints it: float32-rounded, non-finite as a name. */
const asPrinted = (x: number): Json => (Number.isFinite(x) ? Math.fround(x) : String(x));

const records: StepRecord[] = [
  record(0, { loss: 0, clipCoef: 0 }),
  record(1, { loss: Number.NaN, preClipNorm: Number.POSITIVE_INFINITY, postClipNorm: Number.NEGATIVE_INFINITY }),
  record(2, { valLoss: 0.3, lr: 1e-3, layerNorms: { 'lstm/kernel': 1e30, 'lstm/bias': 1e-30 } }),
  record(2 ** 40, { clipped: false, threshold: null }),
];
const kernel = Float32Array.of(-3, -0.001, 0, 0, 0.5, 1e-13, 7, Number.NaN);

async function writeRun(): Promise<string> {
  const dir = await tempDir();
  const sink = createTensorBoardSink({ dir, now: fakeClock(1_700_000_000_000), hostname: 'pyhost', histogramEvery: 2 });
  await sink.open(runMeta);
  for (const r of records) await sink.write(r, { histograms: { 'lstm/kernel': kernel } });
  await sink.close(summary);
  return (await readEventFile(dir)).path;
}

async function decodeWithPython(path: string): Promise<{ crc: string; events: PyEvent[] }> {
  const out = await mkdtemp(join(tmpdir(), 'gclip-pb2-'));
  execFileSync(protoc, [`--proto_path=${here}`, `--python_out=${out}`, 'tensorboard_subset.proto']);
  const stdout = execFileSync(python as string, [join(here, 'decode_events.py'), out, path], { encoding: 'utf8' });
  return JSON.parse(stdout) as { crc: string; events: PyEvent[] };
}

describe('independent decoder (python3-protobuf + protoc)', () => {
  it.skipIf(!ready)(title('decodes the event file with matching CRCs, tags, steps and values'), async () => {
    const { crc, events } = await decodeWithPython(await writeRun());
    expect(crc).toBe('python3-crc32c');
    expect(events[0]).toEqual({ wall_time: 1_700_000_000, step: 0, what: 'file_version', file_version: 'brain.Event:2', writer: 'gclip' });
    expect(events.slice(1).map((e) => [e.what, e.step, e.wall_time])).toEqual(
      records.map((r, i) => ['summary', r.step, 1_700_000_000 + 1.5 * (i + 1)]),
    );
    const rates = [1, 1, 1, 0.75]; // clipped, clipped, clipped, unclipped: 3/4 at the last step
    records.forEach((r, i) => {
      const scalars = events[i + 1]!.values!.filter((v) => v.kind === 'simple_value');
      const expected: [string, number][] = [
        ['loss', r.loss],
        ['grad_norm/pre_clip', r.preClipNorm],
        ['grad_norm/post_clip', r.postClipNorm],
        ['clip/coef', r.clipCoef],
        ['clip/rate', rates[i]!],
        ...(r.threshold === null ? [] : ([['clip/threshold', r.threshold]] as [string, number][])),
        ['lr', r.lr],
        ...(r.valLoss === null ? [] : ([['val/loss', r.valLoss]] as [string, number][])),
        ...Object.entries(r.layerNorms).map(([layer, n]): [string, number] => [`grad_norm_layer/${layer}`, n]),
      ];
      expect(scalars).toEqual(expected.map(([tag, x]) => ({ tag, kind: 'simple_value', simple_value: asPrinted(x) })));
    });
  });

  it.skipIf(!ready)(title('decodes histograms with the counts and moments of the finite values'), async () => {
    const { events } = await decodeWithPython(await writeRun());
    const histoSteps = events.filter((e) => e.values?.some((v) => v.kind === 'histo')).map((e) => e.step);
    expect(histoSteps).toEqual([0, 2, 2 ** 40]);
    const histo = events[1]!.values!.find((v) => v.kind === 'histo')!;
    expect(histo.tag).toBe('grad_hist/lstm/kernel');
    const finite = [...kernel].filter(Number.isFinite); // NaN is left out
    const h = histo.histo!;
    expect([h.min, h.max, h.num]).toEqual([-3, 7, finite.length]);
    expect(h.sum).toBeCloseTo(finite.reduce((a, b) => a + b, 0), 12);
    expect(h.sum_squares).toBeCloseTo(finite.reduce((a, b) => a + b * b, 0), 12);
    expect((h.bucket as number[]).reduce((a, b) => a + b, 0)).toBe(finite.length);
    expect(h.bucket_limit.length).toBe(h.bucket.length);
    expect(h.bucket_limit.at(-1)).toBe(Number.MAX_VALUE);
    // The two zeros share one bucket (0, 1e-12]; 1e-13 (float32 ≈ 1e-13) joins them.
    const zeroIdx = h.bucket_limit.indexOf(1e-12);
    expect(h.bucket[zeroIdx]).toBe(3);
  });
});
