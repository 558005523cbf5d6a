/**
 * A step the policy does not apply leaves no trace of its proposed update, on the fused
 * path (wasm) and on the op path (cpu-ops), for SGD and Adam (whose first step goes
 * through tfjs, which creates its slots, and is undone from a snapshot):
 * - skip: with the update ratio's ceiling at 1e-9 and action `skip`, every step is skipped
 *   until the skip budget halts the run, and the weights and the optimizer's iteration
 *   count are those of the start;
 * - rollback: with action `rollback`, every step rolls back to step 0 until the rollback
 *   budget halts the run; each rollback restores the ring's snapshot once (the proposal's
 *   own is released, not restored first) and the tensor count stays flat.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createStrategy } from '../../src/clip/registry.js';
import { runConfigSchema, type RunConfigInput } from '../../src/config/schema.js';
import type { StepRecord } from '../../src/record.js';
import { tryBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { runLoop } from '../../src/train/loop.js';
import { buildPlan } from '../../src/train/setup.js';
import { restoreTensors } from '../../src/train/snapshot.js';

vi.mock('../../src/train/snapshot.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/train/snapshot.js')>();
  return { ...actual, restoreTensors: vi.fn(actual.restoreTensors) };
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

const CASES = (['wasm', 'cpu-ops'] as const).flatMap((backend) => (['sgd', 'adam'] as const).map((optimizer) => [backend, optimizer] as const));

/**
 * Runs 12 steps whose every update trips the update ratio's ceiling (action `action`);
 * `onWrite` sees each record as it is written. Checks that the weights and the optimizer's
 * iteration count end as they started and that no tensor is left but Adam's slots.
 */
async function refusedRun(backend: 'wasm' | 'cpu-ops', optimizer: 'sgd' | 'adam', detect: RunConfigInput['detect'], onWrite: (r: StepRecord) => void) {
  await tryBackend(backend);
  const config = runConfigSchema.parse({ train: { steps: 12, optimizer, lr: 0.01 }, detect });
  const plan = buildPlan(config);
  const start = plan.vars.map((v) => Array.from(v.dataSync()));
  const numTensors = tf.memory().numTensors;
  try {
    const summary = await runLoop({
      plan, strategy: createStrategy(config.clip), normType: 2, detect: config.detect, evalEvery: 0, backend, runDir: null, now: () => 0,
      sinks: [{ name: 'r', open: async () => {}, close: async () => {}, write: async (r) => onWrite(r) }],
    });
    expect(summary.status).toBe('halted');
    expect(plan.vars.map((v) => Array.from(v.dataSync()))).toEqual(start);
    expect((plan.optimizer as unknown as { iterations: number }).iterations).toBe(0);
    expect(tf.memory().numTensors).toBe(numTensors + (optimizer === 'adam' ? 2 * plan.vars.length : 0));
  } finally {
    plan.dispose();
  }
}

describe('a skipped step discards its proposed update', () => {
  it.each(CASES)('%s: %s', async (backend, optimizer) => {
    const records: StepRecord[] = [];
    await refusedRun(backend, optimizer, { updateRatio: { maxRatio: 1e-9, action: 'skip' }, skip: { maxConsecutive: 3 } }, (r) => records.push(r));
    // Steps 0–2 skipped; the 4th skip exceeds maxConsecutive 3 and halts at step 3.
    expect(records.map((r) => [r.step, r.skipped, r.events.map((e) => e.kind)])).toEqual([0, 1, 2, 3].map((s) => [s, true, ['updateRatio']]));
    expect(records.every((r) => r.updateNorm! > 0)).toBe(true);
  });
});

describe('a rollback restores one snapshot and leaks none', () => {
  it.each(CASES)('%s: %s', async (backend, optimizer) => {
    const restores = vi.mocked(restoreTensors);
    restores.mockClear();
    const seen: { step: number; rolledBack: boolean; restores: number; numTensors: number }[] = [];
    await refusedRun(backend, optimizer, { updateRatio: { maxRatio: 1e-9, action: 'rollback' }, rollback: { maxTotal: 5 } }, (r) => {
      seen.push({ step: r.step, rolledBack: r.events.some((e) => e.kind === 'rollback'), restores: restores.mock.calls.length, numTensors: tf.memory().numTensors });
      restores.mockClear();
    });
    // Steps 0–4 roll back to step 0; the 6th request exceeds maxTotal 5 and halts at step 5.
    expect(seen.map((s) => [s.step, s.rolledBack])).toEqual([0, 1, 2, 3, 4, 5].map((s) => [s, s < 5]));
    // One restore per rollback, the ring's entry (the op path used to restore the step's own snapshot first).
    expect(seen.slice(0, 5).map((s) => s.restores)).toEqual([1, 1, 1, 1, 1]);
    // Flat across the rollbacks (Adam's slots, created at step 0, stay).
    expect(new Set(seen.map((s) => s.numTensors)).size).toBe(1);
  });
});
