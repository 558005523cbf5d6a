/**
 * The non-host path end to end through the API: gclip on `cpu-ops` (the cpu backend's kernels
 * under another name, selected by $GCLIP_TEST_BACKEND as a test would select tfjs-node), where
 * every host kernel and fused update declines and the loop awaits `data()`. Each run is
 * compared field by field with the same run on `cpu`, the host path; docs/backends.md has
 * the measured agreement (GCLIP_NONHOST_REPORT=<file> writes it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLIP_CASES } from '../helpers/readbacks.js';
import { compareRecords, worstOf, type FieldAgreement } from './compare.js';
import { runConfigSchema, type RunConfigInput } from '../../src/config/schema.js';
import type { StepRecord } from '../../src/log/schema.js';
import type { Sink } from '../../src/report/sinks/types.js';
import { initBackend, TEST_BACKEND_ENV } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';

const STEPS = 20;
/**
 * Relative distance allowed between the op path and the host path in any numeric field.
 * Measured worst: see docs/backends.md (float32 sums in another order than the host
 * kernels' float64 accumulation, then carried through the updates); 1e-5 leaves room
 * without hiding a wrong formula.
 */
const TOLERANCE = 1e-5;
/**
 * The clipped exploding RNN's: its gain-2 recurrence amplifies each step's last-bit
 * difference in the clip coefficient (measured 3.3e-6 over 20 steps on the config's data,
 * 4.2e-5 on a 256-sample variant).
 */
const CHAOTIC_TOLERANCE = 1e-4;

const yaml = (name: string): RunConfigInput => parse(readFileSync(new URL(`../../configs/${name}.yaml`, import.meta.url), 'utf8')) as RunConfigInput;

/** Every strategy of the readback table, plus the norm orders 1 and inf. */
export const CLIPS: ReadonlyArray<[string, RunConfigInput['clip']]> = [
  ...CLIP_CASES,
  ['norm, p = 1', { kind: 'norm', maxNorm: 0.5, normType: 1 }],
  ['norm, p = inf', { kind: 'norm', maxNorm: 0.1, normType: 'inf' }],
];

const rnn = yaml('exploding-rnn');

/** Models beyond the MLP: the demo, the exploding RNN unclipped and clipped, an LSTM, a CNN. */
const MODELS: ReadonlyArray<[string, RunConfigInput]> = [
  ['demo config', yaml('demo')],
  ['exploding RNN, unclipped (halts on NaN)', { ...rnn, clip: { kind: 'none' } }],
  ['exploding RNN, --clip-norm 1', { ...rnn, clip: { kind: 'norm', maxNorm: 1 } }],
  ['lstm', { model: { kind: 'lstm', units: 8 }, data: { kind: 'adding', samples: 256, seqLength: 10, batchSize: 32 }, clip: { kind: 'norm', maxNorm: 0.5 } }],
  ['cnn', { model: { kind: 'cnn', filters: [4], dense: [] }, data: { kind: 'images', samples: 128, size: 8, batchSize: 32 }, clip: { kind: 'norm', maxNorm: 0.5 } }],
];

/** Trains `input` (STEPS steps, clock stubbed) on cpu, or on the test backend via the env var; every record. */
async function records(backend: 'cpu' | 'cpu-ops', input: RunConfigInput): Promise<{ records: StepRecord[]; backend: string }> {
  const out: StepRecord[] = [];
  const sink: Sink = { name: 'collect', open: async () => {}, write: async (r) => void out.push(r), close: async () => {} };
  if (backend === 'cpu-ops') process.env[TEST_BACKEND_ENV] = 'cpu-ops';
  else await initBackend('cpu');
  try {
    const config = runConfigSchema.parse({ ...input, train: { ...input.train, steps: STEPS, evalEvery: 10 } });
    const summary = await train(config, { sinks: [sink], now: () => 0, ...(backend === 'cpu' ? { backend } : {}) });
    return { records: out, backend: summary.backend };
  } finally {
    delete process.env[TEST_BACKEND_ENV];
  }
}

const measured: Record<string, Record<string, FieldAgreement>> = {};

/** Runs `input` on both paths; checks what must agree exactly and the tolerance; returns the agreement. */
async function compare(name: string, input: RunConfigInput, tolerance = TOLERANCE): Promise<Record<string, FieldAgreement>> {
  const host = await records('cpu', input);
  const ops = await records('cpu-ops', input);
  expect([host.backend, ops.backend]).toEqual(['cpu', 'cpu-ops']);
  const flags = (r: StepRecord[]): unknown[] => r.map((x) => [x.step, x.clipped, x.skipped, x.events.map((e) => e.kind)]);
  expect(flags(ops.records)).toEqual(flags(host.records));
  const agreement = compareRecords(ops.records, host.records);
  measured[name] = agreement;
  expect(worstOf(agreement)).toBeLessThan(tolerance);
  return agreement;
}

/**
 * Fields bit-identical at every step, where the fused path's claim holds (measured, see
 * docs/backends.md): without a norm-dependent scale the gradients, and so the fused
 * optimizer update (bit for bit tfjs's), the weights and every loss are the same; the 1-
 * and inf-norms (sums of |g| and maxima) come out identical in every field.
 */
const ALL = ['loss', 'preClipNorm', 'postClipNorm', 'clipCoef', 'threshold', 'lr', 'valLoss'];
const BIT_IDENTICAL: Readonly<Record<string, readonly string[]>> = {
  none: ['loss', 'valLoss', 'clipCoef', 'threshold', 'lr'],
  value: ['loss', 'valLoss', 'threshold', 'lr'],
  'tensor-norm': ['loss', 'valLoss', 'clipCoef', 'threshold', 'lr'],
  'norm, p = 1': ALL,
  'norm, p = inf': ALL,
};

/** Per field, the number of steps where the two runs differ. */
const identical = (a: Record<string, FieldAgreement>, fields: readonly string[]): Record<string, number> =>
  Object.fromEntries(fields.map((f) => [f, a[f]!.steps - a[f]!.identical]));

afterEach(() => {
  delete process.env[TEST_BACKEND_ENV];
});

afterAll(async () => {
  await tf.setBackend('cpu');
  const file = process.env.GCLIP_NONHOST_REPORT;
  if (file) writeFileSync(file, JSON.stringify(measured, null, 2) + '\n');
});

describe('op path (cpu-ops) against the host path (cpu), field by field', () => {
  it.each(CLIPS)('MLP with %s: same steps, flags and events; every number within the tolerance', async (name, clip) => {
    const a = await compare(`mlp: ${name}`, { clip });
    const exact = BIT_IDENTICAL[name] ?? [];
    expect(identical(a, exact)).toEqual(Object.fromEntries(exact.map((f) => [f, 0])));
  });

  it.each(MODELS)('%s: same steps, flags and events; every number within the tolerance', async (name, input) => {
    await compare(name, input, name.includes('--clip-norm') ? CHAOTIC_TOLERANCE : TOLERANCE);
  });

  it('the same config and seed give identical records on cpu-ops', async () => {
    const input: RunConfigInput = { clip: { kind: 'zclip', warmupSteps: 5 } };
    expect((await records('cpu-ops', input)).records).toEqual((await records('cpu-ops', input)).records);
  });

});
