import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary, StepRecord } from '../../src/record.js';
import type { RunMeta } from '../../src/report/sinks/types.js';
import { decodeEvent, type TbEvent } from '../../src/report/tensorboard/proto.js';
import { decodeTfRecords } from '../../src/report/tensorboard/tfrecord.js';

// Not named `meta`: Vite's SSR transform would rewrite `import.meta` in importing files.
export const runMeta: RunMeta = { runDir: '/unused', config: {}, backend: 'cpu', startedAt: '2026-01-01T00:00:00Z' };

export const summary: RunSummary = {
  status: 'ok',
  reason: null,
  steps: 0,
  finalLoss: null,
  bestLoss: null,
  firstBadStep: null,
  firstBadLayer: null,
  onset: null,
  firstNonfiniteStep: null,
  policyStep: null,
  preClipNorm: { median: null, p90: null, max: null },
  clipRate: 0,
  skippedSteps: 0,
  rollbacks: 0,
  events: {},
  backend: 'cpu',
  stepsPerSec: 0,
  finalValLoss: null,
  hints: [],
  settings: null,
  runDir: null,
};

/** A record with the given step; fields overridable. */
export function record(step: number, over: Partial<StepRecord> = {}): StepRecord {
  return {
    step,
    loss: 0.5,
    preClipNorm: 2,
    postClipNorm: 1,
    clipCoef: 0.5,
    clipped: true,
    threshold: 1,
    layerNorms: { 'dense/kernel': 1.5, 'dense/bias': 0.25 },
    layerNormsPost: { 'dense/kernel': 0.75, 'dense/bias': 0.125 },
    lr: 0.01,
    valLoss: null,
    events: [],
    skipped: false,
    wallMs: 3,
    ...over,
  };
}

export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'gclip-tb-'));
}

/** A clock that starts at `startMs` and advances 1.5 s per call. */
export function fakeClock(startMs: number): () => number {
  let t = startMs - 1500;
  return () => (t += 1500);
}

/** The single event file in `dir`, decoded with gclip's own reader. */
export async function readEventFile(dir: string): Promise<{ name: string; path: string; events: TbEvent[] }> {
  const names = (await readdir(dir)).filter((n) => n.includes('tfevents'));
  if (names.length !== 1) throw new Error(`expected one event file in ${dir}, found ${names.join(', ')}`);
  const name = names[0]!;
  const path = join(dir, name);
  const events = decodeTfRecords(await readFile(path)).map(decodeEvent);
  return { name, path, events };
}

/** tag → simple value of an event's summary. */
export function scalarsOf(event: TbEvent | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of event?.summary?.value ?? []) if ('simpleValue' in v) out[v.tag] = v.simpleValue;
  return out;
}
