/**
 * A rollback on the host update's backends (tfjs-node; `cpu-ops` here) restores the optimizer's
 * slots as it does on cpu's host path. The ring's snapshot is taken after a flush, so its
 * clones share the slot variables' `dataId`; the commits after it leave the slots on the host,
 * and restoring the snapshot assigns that same `dataId` back. The host update must still read
 * the restored slots (`forgetHostState`), or the steps after the rollback run on the moments
 * the rolled-back steps left (the records part from cpu's at the first step after it).
 */
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../config/schema.js';
import type { StepRecord } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { initBackend, TEST_BACKEND_ENV } from '../runtime/backend.js';
import { train } from './run.js';

/** Trains `optimizer` for 30 steps with NaN gradients at steps 15 and 17, each answered by a rollback to the ring's step-10 entry. */
async function rolledBack(backend: 'cpu' | 'cpu-ops', optimizer: 'adam' | 'momentum'): Promise<StepRecord[]> {
  const records: StepRecord[] = [];
  const sink: Sink = { name: 'collect', open: async () => {}, write: async (r) => void records.push(r), close: async () => {} };
  const config = runConfigSchema.parse({
    seed: 0,
    model: { kind: 'mlp', hidden: [16] },
    data: { kind: 'regression', samples: 256, batchSize: 32 },
    train: { steps: 30, optimizer, lr: 0.01 },
    clip: { kind: 'norm', maxNorm: 1 },
    inject: ['nan@15', 'nan@17'],
    detect: { nonfinite: { action: 'rollback' }, rollback: { every: 10 } },
  });
  if (backend === 'cpu-ops') process.env[TEST_BACKEND_ENV] = 'cpu-ops';
  else await initBackend('cpu');
  try {
    await train(config, { sinks: [sink], now: () => 0, ...(backend === 'cpu' ? { backend } : {}) });
  } finally {
    delete process.env[TEST_BACKEND_ENV];
  }
  return records;
}

const numbers = (r: StepRecord) => [r.step, r.loss, r.preClipNorm, r.updateNorm, r.lr, r.skipped, r.events.map((e) => e.kind)];

describe('a rollback on the host update restores the optimizer slots', () => {
  it.each(['adam', 'momentum'] as const)('%s: every record as on cpu, bit for bit, through two rollbacks to the same snapshot', async (optimizer) => {
    const host = await rolledBack('cpu', optimizer);
    const ops = await rolledBack('cpu-ops', optimizer);
    expect(host.filter((r) => r.events.some((e) => e.kind === 'rollback')).map((r) => r.step)).toEqual([15, 17]);
    expect(ops.map(numbers)).toEqual(host.map(numbers));
  });
});
