/** Checks a run's steps.jsonl records against ZClip's host rule, replayed from the logged norms. */
import { expect } from 'vitest';
import { zClipDecide, zClipNext, type ZClipOptions, type ZClipState } from '../../src/clip/zclip.js';
import type { StepRecord } from '../../src/record.js';

/**
 * Replays `zClipDecide`/`zClipNext` over the records' pre-clip norms: no threshold and coef 1
 * during the warm-up, then the effective threshold (to `digits`) and the coefficient.
 */
export function expectZClipRecords(records: readonly StepRecord[], options: ZClipOptions, digits = 3): void {
  let state: ZClipState = { buffer: [], mean: null, variance: null };
  for (const r of records) {
    const d = zClipDecide(state, r.preClipNorm, options);
    if (r.step < (options.warmupSteps ?? 25)) expect([r.threshold, r.clipCoef]).toEqual([Infinity, 1]);
    else expect(r.threshold!).toBeCloseTo(d.effectiveThreshold!, digits);
    expect(r.clipCoef).toBeCloseTo(d.coef, 5);
    state = zClipNext(state, r.preClipNorm, options);
  }
}
