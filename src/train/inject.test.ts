import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFault } from '../config/inject-schema.js';
import { resolveConfig } from '../config/merge.js';
import { runConfigSchema, type RunConfigInput } from '../config/schema.js';
import { isGclipError } from '../errors.js';
import { encodeRecord } from '../log/codec.js';
import type { RunSummary, StepRecord } from '../record.js';
import { initBackend, TEST_BACKEND_ENV } from '../runtime/backend.js';
import { countReadbacks } from '../../test/helpers/readbacks.js';
import { train } from './run.js';

/** A short clipped MLP run; injections at step 5 (the spike detector's gross rule works from step 2). */
const BASE: RunConfigInput = {
  model: { kind: 'mlp', hidden: [8] },
  data: { kind: 'regression', samples: 128, features: 4, batchSize: 16 },
  train: { steps: 10, optimizer: 'adam', lr: 0.01 },
  clip: { kind: 'norm', maxNorm: 1 },
  detect: { nonfinite: { action: 'skip' } },
};

async function records(inject?: string[], over: Partial<RunConfigInput> = {}, backend = 'wasm'): Promise<{ records: StepRecord[]; summary: RunSummary }> {
  const out: StepRecord[] = [];
  const sink = { name: 'r', open: async () => {}, write: async (r: StepRecord) => void out.push(r), close: async () => {} };
  const config = runConfigSchema.parse({ ...BASE, ...over, ...(inject ? { inject } : {}) });
  const summary = await train(config, { backend, sinks: [sink], now: () => 0 });
  return { records: out, summary };
}

const lines = (rs: readonly StepRecord[]) => rs.map(encodeRecord);

let clean: StepRecord[];
beforeAll(async () => {
  await initBackend('wasm');
  clean = (await records()).records;
});

describe('parseFault', () => {
  it.each([
    ['nan@20', { kind: 'nan', step: 20, factor: null, layer: null }],
    ['inf@0', { kind: 'inf', step: 0, factor: null, layer: null }],
    ['loss-nan@7', { kind: 'loss-nan', step: 7, factor: null, layer: null }],
    ['spike@40:100', { kind: 'spike', step: 40, factor: 100, layer: null }],
    ['spike@40:1e4:dense_1', { kind: 'spike', step: 40, factor: 1e4, layer: 'dense_1' }],
  ])('reads %s', (text, fault) => expect(parseFault(text)).toEqual(fault));

  it.each(['nan', 'nan@', 'nan@-1', 'nan@1.5', 'nan@3:2', 'spike@3', 'spike@3:x', 'spike@3:Infinity', 'boom@3', 'loss-nan@2:1'])('refuses %s with a reason', (text) => {
    expect(typeof parseFault(text)).toBe('string');
  });
});

describe('--inject in the config', () => {
  it('refuses a bad spec as bad input naming the flag and the accepted forms', () => {
    let error: unknown;
    try {
      resolveConfig({ flags: { inject: ['nan@20', 'nan@x'] } });
    } catch (e) {
      error = e;
    }
    expect(isGclipError(error) && error.code).toBe('invalid_flag');
    const issue = (error as { issues: { message: string; source?: string; hint?: string }[] }).issues[0]!;
    expect(issue.source).toBe('--inject');
    expect((error as { issues: { path: string }[] }).issues[0]!.path).toBe('inject[1]');
    expect(issue.message).toContain("'nan@x' is not a fault spec");
    expect(issue.message).toContain('nan@K, inf@K, spike@K:F, spike@K:F:layer or loss-nan@K');
  });

  it('takes a repeated flag and a comma-separated one as one list', () => {
    expect(resolveConfig({ flags: { inject: ['nan@3', 'spike@5:10'] } }).config.inject).toEqual(['nan@3', 'spike@5:10']);
    expect(resolveConfig({ flags: { inject: 'nan@3,spike@5:10' } }).config.inject).toEqual(['nan@3', 'spike@5:10']);
  });

  it('is absent by default, so a clean config and its hash are as before', () => {
    expect('inject' in resolveConfig({ flags: {} }).config).toBe(false);
  });
});

describe('faults injected into training (wasm)', () => {
  const readbacks = countReadbacks();

  it('leaves a run without faults byte-identical to one with an empty list', async () => {
    expect(lines((await records([])).records)).toEqual(lines(clean));
  });

  it('nan@5: NaN gradients, the nonfinite detector fires, the policy skips, the event is marked injected', async () => {
    const { records: rs, summary } = await records(['nan@5']);
    expect(lines(rs.slice(0, 5))).toEqual(lines(clean.slice(0, 5)));
    const r = rs[5]!;
    expect(r.preClipNorm).toBeNaN();
    expect(Object.values(r.layerNorms).every(Number.isNaN)).toBe(true);
    expect(r.loss).toBe(clean[5]!.loss);
    expect(r.events).toEqual([{ kind: 'injected', step: 5, fault: 'nan', layer: null }, expect.objectContaining({ kind: 'nonfinite', what: ['grad_norm'] })]);
    expect(r.skipped).toBe(true);
    // The skipped step left the weights alone: the run goes on finite.
    expect(rs.slice(6).every((x) => Number.isFinite(x.preClipNorm))).toBe(true);
    expect(summary.injected).toEqual([{ step: 5, fault: 'nan@5' }]);
    // One readback per step, the injected one included.
    expect(readbacks.count).toBe(10);
  });

  it('inf@5: +Infinity gradients', async () => {
    const r = (await records(['inf@5'])).records[5]!;
    expect(r.preClipNorm).toBe(Infinity);
    expect(r.events.map((e) => e.kind)).toEqual(['injected', 'nonfinite']);
  });

  it('loss-nan@5: the loss alone is NaN, the gradients are the clean run\'s', async () => {
    const r = (await records(['loss-nan@5'])).records[5]!;
    expect(r.loss).toBeNaN();
    expect(r.preClipNorm).toBe(clean[5]!.preClipNorm);
    expect(r.events[1]).toEqual(expect.objectContaining({ kind: 'nonfinite', what: ['loss'] }));
  });

  it('spike@5:10000: the pre-clip norm is 10⁴× the clean one and the spike detector fires', async () => {
    const r = (await records(['spike@5:10000'])).records[5]!;
    // float32 scaling of each element by 1e4 changes the norm by at most a few ulps relative.
    expect(Math.abs(r.preClipNorm / clean[5]!.preClipNorm / 1e4 - 1)).toBeLessThan(1e-6);
    expect(r.events).toEqual([{ kind: 'injected', step: 5, fault: 'spike', factor: 10000, layer: null }, expect.objectContaining({ kind: 'spike' })]);
  });

  it('spike@5:100:<layer> scales that layer only', async () => {
    const [first, second] = Object.keys(clean[5]!.layerNorms);
    const r = (await records([`spike@5:100:${first}`])).records[5]!;
    expect(Math.abs(r.layerNorms[first!]! / clean[5]!.layerNorms[first!]! / 100 - 1)).toBeLessThan(1e-6);
    expect(r.layerNorms[second!]).toBe(clean[5]!.layerNorms[second!]);
  });

  it.each([
    [['nan@10'], 'the run has steps 0 to 9'],
    [['spike@2:5:nope'], "the model has no layer 'nope'"],
  ])('refuses %j before training (exit 2)', async (inject, message) => {
    const error = await records(inject).catch((e: unknown) => e);
    expect(isGclipError(error) && error.code).toBe('invalid_inject');
    expect((error as { issues: { message: string }[] }).issues[0]!.message).toContain(message);
  });
});

describe('faults injected on the op path (cpu-ops: no fused kernel)', () => {
  beforeAll(async () => {
    process.env[TEST_BACKEND_ENV] = 'cpu-ops';
    await initBackend('auto');
  });
  afterAll(async () => {
    delete process.env[TEST_BACKEND_ENV];
    await initBackend('wasm');
  });

  it('scales one layer and poisons a later step just as the fused path does', async () => {
    const plain = (await records(undefined, {}, 'cpu-ops')).records;
    const [first, second] = Object.keys(plain[3]!.layerNorms);
    const rs = (await records([`spike@3:100:${second}`, 'nan@6'], {}, 'cpu-ops')).records;
    expect(Math.abs(rs[3]!.layerNorms[second!]! / plain[3]!.layerNorms[second!]! / 100 - 1)).toBeLessThan(1e-6);
    expect(rs[3]!.layerNorms[first!]).toBe(plain[3]!.layerNorms[first!]);
    expect(rs[6]!.preClipNorm).toBeNaN();
    expect(rs[6]!.events[0]).toEqual({ kind: 'injected', step: 6, fault: 'nan', layer: null });
  });
});
