import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfig } from '../config/schema.js';
import { isGclipError } from '../errors.js';
import { decodeLine, encodeRecord } from '../log/codec.js';
import type { StepRecord } from '../record.js';
import { initBackend } from '../runtime/backend.js';
import { compareRecords, relativeDifference } from './replay-compare.js';
import { replayStep } from './replay.js';
import { runSession } from './session.js';

/** 12 Adam steps, a checkpoint before steps 5 and 10 (and at the end). */
function configIn(dir: string, inject?: string[]): RunConfig {
  return runConfigSchema.parse({
    ...(inject ? { inject } : {}),
    model: { kind: 'mlp', hidden: [8, 8] },
    data: { kind: 'regression', samples: 128, features: 4, batchSize: 16 },
    train: { steps: 12, optimizer: 'adam', lr: 0.01 },
    clip: { kind: 'norm', maxNorm: 0.5 },
    log: { out: dir },
    checkpoint: { every: 5 },
  });
}

/** Trains a run directory on `backend`; returns its path and config. */
async function trainRun(backend: 'wasm' | 'cpu', inject?: string[]): Promise<{ dir: string; config: RunConfig }> {
  await initBackend(backend);
  const dir = join(mkdtempSync(join(tmpdir(), 'gclip-replay-')), 'run');
  const config = configIn(dir, inject);
  await runSession(config, { cwd: '/', startedAt: new Date(0), backend, now: () => 0 });
  return { dir, config };
}

async function replay(run: { dir: string; config: RunConfig }, step: number, backend: 'wasm' | 'cpu') {
  await initBackend(backend);
  return replayStep(run.config, { runDir: run.dir, step, backend });
}

/** Rewrites the logged record of `step` through `edit`. */
function doctor(dir: string, step: number, edit: (r: StepRecord) => StepRecord): void {
  const file = join(dir, 'steps.jsonl');
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  lines[step] = encodeRecord(edit(decodeLine(lines[step]!) as StepRecord));
  writeFileSync(file, lines.join('\n') + '\n');
}

let wasmRun: { dir: string; config: RunConfig };
let cpuRun: { dir: string; config: RunConfig };
beforeAll(async () => {
  wasmRun = await trainRun('wasm');
  cpuRun = await trainRun('cpu');
});

describe('gclip replay: recompute a logged step', () => {
  it.each([
    ['wasm', 7, { kind: 'checkpoint', step: 5 }],
    ['wasm', 3, { kind: 'start' }],
    ['cpu', 11, { kind: 'checkpoint', step: 10 }],
    ['cpu', 2, { kind: 'start' }],
  ] as const)('reproduces a %s step bit for bit on its own backend (step %i)', async (backend, step, from) => {
    const r = await replay(backend === 'wasm' ? wasmRun : cpuRun, step, backend);
    expect(r.from).toEqual(from);
    expect(r.sameBackend).toBe(true);
    expect(r.rtol).toBe(0);
    expect(r.agreed).toBe(true);
    // loss, pre, post, and 3 layers (two hidden + head) pre and post.
    expect(r.quantities).toHaveLength(9);
    expect(r.quantities.every((q) => Object.is(q.logged, q.replayed))).toBe(true);
  });

  it('replays an injected step injected, from the checkpoint before it (the config keeps inject:)', async () => {
    const run = await trainRun('wasm', ['spike@7:1000']);
    const r = await replay(run, 7, 'wasm');
    expect(r.agreed).toBe(true);
    expect(r.quantities[1]!.replayed).toBe(readRecord(run.dir, 7).preClipNorm);
    expect(readRecord(run.dir, 7).events[0]).toMatchObject({ kind: 'injected', fault: 'spike' });
  });

  it('replays a wasm run on cpu within the relative tolerance 1e-4', async () => {
    const r = await replay(wasmRun, 8, 'cpu');
    expect(r).toMatchObject({ sameBackend: false, loggedBackend: 'wasm', backend: 'cpu', rtol: 1e-4 });
    // Measured: the largest relative difference is below 1e-6 at this step.
    expect(r.agreed, JSON.stringify(r.firstDifference)).toBe(true);
    expect(Math.max(...r.quantities.map((q) => q.relDiff))).toBeLessThanOrEqual(1e-4);
  });

  it('names a doctored per-layer norm, even one float32 ulp away, on the same backend', async () => {
    const run = await trainRun('wasm');
    const layer = Object.keys(readRecord(run.dir, 7).layerNorms)[1]!;
    doctor(run.dir, 7, (r) => ({ ...r, layerNorms: { ...r.layerNorms, [layer]: Math.fround(r.layerNorms[layer]! * (1 + 2 ** -22)) } }));
    const r = await replay(run, 7, 'wasm');
    expect(r.agreed).toBe(false);
    expect(r.firstDifference?.name).toBe(`layerNorms.${layer}`);
    expect(r.quantities.filter((q) => !q.within).map((q) => q.name)).toEqual([`layerNorms.${layer}`]);
  });

  it('names a doctored loss on another backend when it is beyond the tolerance', async () => {
    const run = await trainRun('wasm');
    doctor(run.dir, 4, (r) => ({ ...r, loss: r.loss * 1.001 }));
    const r = await replay(run, 4, 'cpu');
    expect(r.firstDifference?.name).toBe('loss');
    expect(r.firstDifference!.relDiff).toBeGreaterThan(1e-4);
  });

  it.each([
    ['a step beyond the log', (dir: string) => ({ dir, step: 12 }), 'replay_step_missing', 'logs steps 0 to 11; step 12 is not among them'],
    ['a directory without steps.jsonl', () => ({ dir: mkdtempSync(join(tmpdir(), 'gclip-replay-')), step: 1 }), 'not_a_run_dir', 'is not a run directory'],
  ])('refuses %s (exit 2)', async (_what, input, code, message) => {
    const { dir, step } = input(wasmRun.dir);
    const error = await replayStep(wasmRun.config, { runDir: dir, step, backend: 'wasm' }).catch((e: unknown) => e);
    expect(isGclipError(error) && error.code).toBe(code);
    expect(isGclipError(error) && error.exitCode).toBe(2);
    expect((error as Error).message).toContain(message);
  });
});

function readRecord(dir: string, step: number): StepRecord {
  return decodeLine(readFileSync(join(dir, 'steps.jsonl'), 'utf8').split('\n')[step]!) as StepRecord;
}

describe('compareRecords', () => {
  it('treats NaN as equal to NaN and a finite value against a non-finite one as beyond any tolerance', () => {
    expect(relativeDifference(Number.NaN, Number.NaN)).toBe(0);
    expect(relativeDifference(Infinity, Infinity)).toBe(0);
    expect(relativeDifference(1, Infinity)).toBe(Infinity);
    // |2 − 1.5| / max(2, 1.5) = 0.25
    expect(relativeDifference(2, 1.5)).toBe(0.25);
  });

  it('compares a layer the replay lacks as NaN (beyond tolerance)', () => {
    const base = { step: 0, loss: 1, preClipNorm: 1, postClipNorm: 1, layerNormsPost: {} } as unknown as StepRecord;
    const out = compareRecords({ ...base, layerNorms: { a: 1 } }, { ...base, layerNorms: {} }, 1e-4);
    expect(out.find((q) => q.name === 'layerNorms.a')).toMatchObject({ replayed: Number.NaN, within: false });
  });
});
