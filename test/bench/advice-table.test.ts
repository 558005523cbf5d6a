import { describe, expect, it } from 'vitest';
import { renderAdviceTable, scoreAdvice } from '../../src/bench/advice-table.js';
import { aggregatePoint, type SeedResult } from '../../src/sweep/metrics.js';
import type { SweepReport } from '../../src/sweep/report.js';
import type { Recommendation } from '../../src/sweep/recommend.js';

function run(pointId: string, seed: number, loss: number): SeedResult {
  const stable = Number.isFinite(loss);
  return {
    pointId, seed, status: stable ? 'ok' : 'halted', stable, steps: 10, finalLoss: loss, bestLoss: loss, lossAuc: loss,
    clipRate: 1, spikes: 0, skipped: 0, firstBadStep: stable ? null : 3, norms: null, reason: null, wallMs: 1,
  };
}

/** A report whose points have the given per-seed final losses (NaN: an unstable seed). */
function report(losses: Record<string, number[]>, thresholds: number[], rec: Partial<Recommendation> = {}, seeds: number[] = []): SweepReport {
  const points = Object.entries(losses).map(([id, ls]) => {
    const threshold = id === 'baseline' ? null : Number(id.slice('norm@'.length));
    return aggregatePoint({ id, threshold, strategy: threshold === null ? 'none' : 'norm' }, ls.map((l, i) => run(id, i, l)));
  });
  return { points, grid: { thresholds, lrs: [], strategies: [], seeds, tolerance: 0.05 }, recommendation: { status: 'clip', maxNorm: null, ...rec } } as unknown as SweepReport;
}

const entry = { config: 'boom.yaml', family: 'tanh RNN', explodes: true };

describe('advice bench scoring', () => {
  it('scores the advice and the folk 1.0 by mean held-out loss against the best stable point within the default span', () => {
    const advised = report({}, [0.5, 1, 2], { status: 'clip', maxNorm: 0.5 }, [7, 8]);
    const heldOut = report({
      baseline: [NaN, 1, NaN],
      'norm@0.1': [0.1, 0.1, 0.1], // below the default span: reported, not the goal's best
      'norm@0.5': [0.2, 0.21, 0.22],
      'norm@1': [0.3, 0.3, 0.3],
      'norm@2': [0.19, 0.2, NaN], // best by mean but unstable in one seed
    }, [0.1, 0.5, 1, 2]);
    const row = scoreAdvice(entry, advised, heldOut);
    expect(row).toMatchObject({ heldOutBaselineFailed: true, status: 'clip', maxNorm: 0.5, pass: true });
    expect(row.heldOutBest).toEqual({ pointId: 'norm@0.5', finalLoss: expect.closeTo(0.21, 10) });
    expect(row.heldOutBestAll).toEqual({ pointId: 'norm@0.1', finalLoss: expect.closeTo(0.1, 10) });
    expect(row.advice).toMatchObject({ pointId: 'norm@0.5', stable: true, ratio: 1 });
    expect(row.advice.ratioAll).toBeCloseTo(2.1, 10);
    expect(row.folk).toMatchObject({ pointId: 'norm@1', stable: true });
    expect(row.folk.ratio).toBeCloseTo(0.3 / 0.21, 10);
    // The rule on 2 of the 3 held-out seeds: with seeds 0 and 1 it picks 2 (unstable with seed 2,
    // so missed); with seed 2 in, the region ends below 2 and it picks 0.5 (1 overshoots 0.5).
    expect(row.resampled).toEqual({ met: 2, of: 3 });
    // Advice that is unstable on a held-out seed misses, whatever its loss.
    const risky = scoreAdvice(entry, report({}, [0.5, 1, 2], { status: 'clip', maxNorm: 2 }), heldOut);
    expect(risky).toMatchObject({ pass: false, advice: { pointId: 'norm@2', stable: false, ratio: null } });
    const table = renderAdviceTable([row, risky], 3);
    expect(table).toMatch(/\| boom\.yaml \| tanh RNN \| yes \| max_norm 0\.5 \| yes \| \+0\.0% \(median \+0\.0%, whole grid \+110\.0%\) \|/);
    expect(table).toMatch(/max_norm 2 \| \*\*no\*\* \| — \|.*\*\*missed\*\* \|/);
    expect(table).toMatch(/\| met \| 2\/3 \|$/m);
    expect(table).toMatch(/goal met on 1\/2 configs/);
  });

  it('on a config that never explodes, the goal is the advice "not needed"', () => {
    const heldOut = report({ baseline: [0.2, 0.2], 'norm@1': [0.19, 0.19] }, [1]);
    const stable = { ...entry, explodes: false };
    expect(scoreAdvice(stable, report({}, [1], { status: 'not_needed' }), heldOut)).toMatchObject({ pass: true, advice: { pointId: 'baseline', stable: true } });
    expect(scoreAdvice(stable, report({}, [1], { status: 'clip', maxNorm: 1 }), heldOut).pass).toBe(false);
  });
});
