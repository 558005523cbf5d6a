/**
 * A step the policy does not apply leaves no trace of its proposed update: with the update
 * ratio's ceiling at 1e-9 and action `skip`, every step is skipped until the skip budget
 * halts the run, and the weights and the optimizer's iteration count are those of the
 * start, on the fused path (wasm) and on the op path (cpu-ops), for SGD and Adam (whose
 * first step goes through tfjs, which creates its slots, and is undone from a snapshot).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../src/clip/registry.js';
import { runConfigSchema } from '../../src/config/schema.js';
import type { StepRecord } from '../../src/record.js';
import { tryBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { runLoop } from '../../src/train/loop.js';
import { buildPlan } from '../../src/train/setup.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('a skipped step discards its proposed update', () => {
  for (const backend of ['wasm', 'cpu-ops'] as const) {
    it.each(['sgd', 'adam'] as const)(`${backend}: %s`, async (optimizer) => {
      await tryBackend(backend);
      const config = runConfigSchema.parse({
        train: { steps: 10, optimizer, lr: 0.01 },
        detect: { updateRatio: { maxRatio: 1e-9, action: 'skip' }, skip: { maxConsecutive: 3 } },
      });
      const plan = buildPlan(config);
      const start = plan.vars.map((v) => Array.from(v.dataSync()));
      const records: StepRecord[] = [];
      const numTensors = tf.memory().numTensors;
      try {
        const summary = await runLoop({
          plan, strategy: createStrategy(config.clip), normType: 2, detect: config.detect, evalEvery: 0, backend, runDir: null, now: () => 0,
          sinks: [{ name: 'r', open: async () => {}, close: async () => {}, write: async (r) => void records.push(r) }],
        });
        // Steps 0–2 skipped; the 4th skip exceeds maxConsecutive 3 and halts at step 3.
        expect(summary.status).toBe('halted');
        expect(records.map((r) => [r.step, r.skipped, r.events.map((e) => e.kind)])).toEqual([0, 1, 2, 3].map((s) => [s, true, ['updateRatio']]));
        expect(records.every((r) => r.updateNorm! > 0)).toBe(true);
        expect(plan.vars.map((v) => Array.from(v.dataSync()))).toEqual(start);
        expect((plan.optimizer as unknown as { iterations: number }).iterations).toBe(0);
        expect(tf.memory().numTensors).toBeLessThanOrEqual(numTensors + (optimizer === 'adam' ? 2 * plan.vars.length : 0));
      } finally {
        plan.dispose();
      }
    });
  }
});
