/**
 * gclip on the native backend (`@tensorflow/tfjs-node`, e.g. built by
 * scripts/tfjs-node-from-wheel.sh): the golden cases, every clip strategy against the cpu
 * backend as reference, one readback per step, no tensor leak, and a deterministic log.
 * Skips, saying why, where tfjs-node does not load.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeLoads, nodeTitle } from '../helpers/node-backend.js';
import { CLIP_CASES, countReadbacks } from '../helpers/readbacks.js';
import { runConfigSchema, type RunConfigInput } from '../../src/config/schema.js';
import { checkCase } from '../../src/golden/cases.js';
import { parseGoldenFile } from '../../src/golden/format.js';
import { goldenPath } from '../../src/golden/paths.js';
import type { StepRecord } from '../../src/record.js';
import type { Sink } from '../../src/report/sinks/types.js';
import { initBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';

const STEPS = 20;
/**
 * Relative distance allowed between node and cpu per record field. Measured: ≤ 6e-7 over 30
 * steps for every strategy and model below (float32 rounding in different summation
 * orders); 1e-5 leaves room for other CPUs without hiding a wrong formula.
 */
const TOLERANCE = 1e-5;

/** Every strategy of the readback test, plus the infinity norm (a max reduction, other TF kernels than the sums). */
const CLIPS: ReadonlyArray<[string, RunConfigInput['clip']]> = [...CLIP_CASES, ['norm, p = inf', { kind: 'norm', maxNorm: 0.1, normType: 'inf' }]];

const MODELS: ReadonlyArray<[string, RunConfigInput]> = [
  ['lstm', { model: { kind: 'lstm', units: 8 }, data: { kind: 'adding', samples: 256, seqLength: 10, batchSize: 32 } }],
  ['gru', { model: { kind: 'gru', units: 8 }, data: { kind: 'adding', samples: 256, seqLength: 10, batchSize: 32 } }],
  ['cnn', { model: { kind: 'cnn', filters: [4], dense: [] }, data: { kind: 'images', samples: 256, size: 16, batchSize: 32 } }],
];

/** Trains `input` on `backend` with the clock stubbed; returns every record. */
async function records(backend: 'node' | 'cpu', input: RunConfigInput): Promise<StepRecord[]> {
  const out: StepRecord[] = [];
  const sink: Sink = { name: 'collect', open: async () => {}, write: async (r) => void out.push(r), close: async () => {} };
  await initBackend(backend);
  await train(runConfigSchema.parse({ train: { steps: STEPS, evalEvery: 10 }, ...input }), { backend, sinks: [sink], now: () => 0 });
  return out;
}

/** Largest relative distance between two runs' records, over the numeric fields of every step. */
function worstDistance(a: readonly StepRecord[], b: readonly StepRecord[]): number {
  let worst = 0;
  a.forEach((r, i) => {
    for (const key of ['loss', 'preClipNorm', 'postClipNorm', 'clipCoef'] as const) {
      const [x, y] = [r[key], b[i]![key]];
      worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-12));
    }
  });
  return worst;
}

async function expectMatchesCpu(input: RunConfigInput): Promise<void> {
  const reference = await records('cpu', input);
  const native = await records('node', input);
  expect(native.map((r) => r.step)).toEqual(reference.map((r) => r.step));
  expect(native.map((r) => r.clipped)).toEqual(reference.map((r) => r.clipped));
  expect(worstDistance(native, reference)).toBeLessThan(TOLERANCE);
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!nodeLoads)('gclip on tfjs-node', () => {
  it(nodeTitle('passes every golden case, tensor count flat'), async () => {
    await initBackend('node');
    const file = parseGoldenFile(readFileSync(goldenPath(process.env, process.cwd()), 'utf8'));
    const before = tf.memory().numTensors;
    const failed = file.cases.map(checkCase).filter((r) => r.status === 'fail');
    expect(failed.map((r) => `${r.id}: ${r.details.join('; ')}`)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CLIPS)(nodeTitle('MLP with %s: every step matches the cpu backend'), async (_name, clip) => {
    await expectMatchesCpu({ clip });
  });

  it.each(MODELS)(nodeTitle('%s with global-norm clipping: every step matches the cpu backend'), async (_name, input) => {
    await expectMatchesCpu({ ...input, clip: { kind: 'norm', maxNorm: 0.5 } });
  });

  it(nodeTitle('the same config and seed give identical records'), async () => {
    const input: RunConfigInput = { clip: { kind: 'zclip', warmupSteps: 5 } };
    expect(await records('node', input)).toEqual(await records('node', input));
  });
});

describe.skipIf(!nodeLoads)('one host readback per step on tfjs-node, no tensor leak', () => {
  const reads = countReadbacks();

  it.each(CLIPS)(nodeTitle('%s'), async (_name, clip) => {
    await initBackend('node');
    const config = runConfigSchema.parse({ train: { steps: STEPS, evalEvery: 10 }, clip });
    const before = tf.memory().numTensors;
    const summary = await train(config, { backend: 'node', now: () => 0 });
    expect([summary.steps, summary.backend]).toEqual([STEPS, 'node']);
    expect(reads.count).toBe(STEPS);
    expect(tf.memory().numTensors).toBe(before);
  });
});
