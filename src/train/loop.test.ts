import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../config/schema.js';
import type { StepRecord } from '../record.js';
import { encodeRecord } from '../log/codec.js';
import type { Sink } from '../report/sinks/types.js';
import { initBackend } from '../runtime/backend.js';
import { tf } from '../runtime/tf.js';
import { train } from './run.js';
import { countReadbacksIn } from '../../test/helpers/readbacks.js';

const EXPLODING: RunConfigInput = {
  model: { kind: 'rnn', units: 32, recurrentInit: { kind: 'orthogonal', scale: 3 } },
  data: { kind: 'adding', seqLength: 30 },
  train: { steps: 60, optimizer: 'sgd', lr: 0.5 },
};

function recorder(onWrite?: (r: StepRecord) => void): Sink & { records: StepRecord[] } {
  const records: StepRecord[] = [];
  return {
    name: 'recorder',
    records,
    open: async () => {},
    write: async (r) => {
      records.push(r);
      onWrite?.(r);
    },
    close: async () => {},
  };
}

const run = (input: RunConfigInput, sinks: Sink[] = [], histogramEvery = 0) =>
  train(runConfigSchema.parse(input), { backend: 'wasm', sinks, now: () => 0, histogramEvery });

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training loop', () => {
  it('reads back exactly once per step', async () => {
    const histogramSteps: number[] = [];
    const sink: Sink = {
      ...recorder(),
      write: async (r, extra) => {
        if (extra?.histograms) histogramSteps.push(r.step);
      },
    };
    const { result: summary, reads } = await countReadbacksIn(() => run({ train: { steps: 30, evalEvery: 10 }, clip: { kind: 'norm', maxNorm: 0.5 } }, [sink], 10));
    expect(histogramSteps).toEqual([0, 10, 20]);
    expect(summary.steps).toBe(30);
    expect(reads).toBe(30);
  });

  it('keeps the tensor count flat over 500 steps and frees everything at the end', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const summary = await run(
      { train: { steps: 500, evalEvery: 50 }, data: { kind: 'regression', samples: 512, batchSize: 32 }, clip: { kind: 'norm', maxNorm: 0.1 } },
      [recorder(() => counts.push(tf.memory().numTensors))],
    );
    expect(summary.steps).toBe(500);
    // Optimizer slots appear at the first update; from then on nothing may accumulate.
    expect(new Set(counts.slice(2))).toEqual(new Set([counts[2]]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives a byte-identical step log for the same config and seed', async () => {
    const log = async () => {
      const sink = recorder();
      await run({ ...EXPLODING, clip: { kind: 'norm', maxNorm: 1 }, train: { ...EXPLODING.train, steps: 25 } }, [sink]);
      return sink.records.map(encodeRecord).join('\n');
    };
    const [a, b] = [await log(), await log()];
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toBe(b);
  });

  it('hands histogram sinks the pre-clip gradient values of each layer', async () => {
    const seen: Record<string, Float32Array>[] = [];
    const sink: Sink = { ...recorder(), write: async (_r, extra) => void (extra?.histograms && seen.push(extra.histograms)) };
    await run({ train: { steps: 1 }, model: { kind: 'mlp', hidden: [4] }, data: { kind: 'regression', features: 3 } }, [sink], 1);
    // dense_1: kernel 3×4 + bias 4 = 16 values; head: kernel 4×1 + bias 1 = 5 values.
    expect(Object.fromEntries(Object.entries(seen[0]!).map(([k, v]) => [k, v.length]))).toEqual({ dense_1: 16, head: 5 });
  });

  it('changes the log when the seed changes', async () => {
    const first = async (seed: number) => {
      const sink = recorder();
      await run({ seed, train: { steps: 2 } }, [sink]);
      return sink.records[0]!.loss;
    };
    expect(await first(1)).not.toBe(await first(2));
  });

  it('halts the exploding RNN at the first non-finite step and names a layer', async () => {
    const sink = recorder();
    // Divergence off, so the run reaches its first non-finite step (the onset is earlier).
    const summary = await run({ ...EXPLODING, detect: { divergence: { enabled: false } } }, [sink]);
    expect(summary.status).toBe('halted');
    expect(summary.firstNonfiniteStep).toBe(sink.records.at(-1)!.step);
    expect(summary.policyStep).toBe(sink.records.at(-1)!.step);
    expect(summary.firstBadStep).toBeLessThanOrEqual(sink.records.at(-1)!.step);
    expect(summary.firstBadLayer).toMatch(/^(rnn|head)$/);
    expect(summary.reason).toMatch(/non-finite .* at step \d+/);
    const last = sink.records.at(-1)!;
    expect(last.skipped).toBe(true);
    expect(last.events.map((e) => e.kind)).toContain('nonfinite');
    // Every earlier step was finite and applied.
    expect(sink.records.slice(0, -1).every((r) => Number.isFinite(r.loss) && !r.skipped)).toBe(true);
  });

  it('trains the same RNN stably with clip-norm 1.0, post-clip norm ≤ 1', async () => {
    const sink = recorder();
    const summary = await run({ ...EXPLODING, clip: { kind: 'norm', maxNorm: 1 } }, [sink]);
    expect(summary.status).toBe('ok');
    expect(summary.clipRate).toBeGreaterThan(0.5);
    for (const r of sink.records) {
      expect(r.postClipNorm).toBeLessThanOrEqual(1 + 1e-5);
      if (r.clipped) expect(r.postClipNorm).toBeCloseTo(1, 4);
      expect(r.clipCoef).toBeCloseTo(Math.min(1, 1 / (r.preClipNorm + 1e-6)), 6);
    }
  });

  it('skips non-finite updates within budget, then halts', async () => {
    const sink = recorder();
    const summary = await run(
      { ...EXPLODING, detect: { nonfinite: { action: 'skip' }, divergence: { enabled: false }, skip: { maxConsecutive: 3, maxTotal: 10 } } },
      [sink],
    );
    expect(summary.status).toBe('halted');
    expect(summary.reason).toMatch(/skip budget exhausted \(3 consecutive/);
    expect(summary.skippedSteps).toBe(4);
  });

  it('logs value clipping with the element-wise norm ratio', async () => {
    const sink = recorder();
    await run({ train: { steps: 5 }, clip: { kind: 'value', clipValue: 0.001 } }, [sink]);
    for (const r of sink.records) {
      expect(r.threshold).toBe(0.001);
      expect(r.postClipNorm).toBeLessThan(r.preClipNorm);
      expect(r.clipCoef).toBeCloseTo(r.postClipNorm / r.preClipNorm, 6);
      expect(r.clipped).toBe(true);
    }
  });
});
