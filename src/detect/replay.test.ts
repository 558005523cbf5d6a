import { describe, expect, it } from 'vitest';
import { foreignRecord } from '../log/foreign.js';
import type { RunEvent, StepRecord } from '../record.js';
import { createDivergenceDetector } from './divergence.js';
import { replayDetector } from './replay.js';

const record = (step: number, loss: number, events: RunEvent[] = []): StepRecord => ({ ...foreignRecord({ step, loss, gradNorm: 1 }), events });

describe('replayDetector', () => {
  // Loss falls to 0.1 by step 3, the run diverges and rolls back at step 5 to the state
  // before step 0, then trains again from loss 3: above 10 × the undone best of 0.1 and the first loss 2.
  const rollback: RunEvent = { kind: 'rollback', step: 5, cause: 'divergence', toStep: 0, skipped: [0, 5], lr: 0.05, layer: null };
  const losses = [2, 1, 0.5, 0.1, 5, 9];
  const before = losses.map((l, i) => record(i, l, i === 5 ? [rollback] : []));
  const after = [3, 2.9, 2.8, 2.7, 2.6, 2.5].map((l, i) => record(6 + i, l));
  const detector = createDivergenceDetector({ factor: 10, warmup: 0, patience: 3 });

  it('restarts a detector where the run restarted it: the state before the step rolled back to', () => {
    expect(replayDetector(detector, [...before, ...after])).toEqual([]);
  });

  it('without the rollback the same losses are a divergence (so the test above can fail)', () => {
    const plain = [...before.map((r) => ({ ...r, events: [] })), ...after];
    expect(replayDetector(detector, plain).map((e) => e.kind)).toContain('divergence');
  });
});
