import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../src/sweep/grid.js';
import { aggregatePoint, crashedResult, type SeedResult } from '../../src/sweep/metrics.js';
import { isPrunable } from '../../src/sweep/prune.js';
import { recommend } from '../../src/sweep/recommend.js';

const THRESHOLDS = [0.1, 0.3, 1, 3, 10];

/** A plan's points: per lr (or none) a baseline and the thresholds. */
function gridPoints(lrs: readonly (number | null)[]): SweepPoint[] {
  return lrs.flatMap((lr) => {
    const pre = lr === null ? '' : `lr@${lr}/`;
    return [{ id: `${pre}baseline`, threshold: null, strategy: 'none', lr }, ...THRESHOLDS.map((t) => ({ id: `${pre}norm@${t}`, threshold: t, strategy: 'norm', lr }))];
  });
}

function result(pointId: string, seed: number, stable: boolean, loss: number, clipRate: number, auc = loss): SeedResult {
  return {
    pointId, seed, status: stable ? 'ok' : 'halted', stable, steps: 10, finalLoss: stable ? loss : Number.NaN, bestLoss: loss, lossAuc: auc,
    clipRate, spikes: 0, skipped: 0, firstBadStep: stable ? null : 3, norms: null, reason: null, wallMs: 1,
  };
}

const table = fc
  .record({
    lrs: fc.constantFrom<(number | null)[]>([null], [0.01, 0.1], [0.003, 0.03, 0.3]),
    seeds: fc.integer({ min: 1, max: 3 }),
    // The loss curve's area is drawn apart from the final loss, so the overshoot clause (which
    // reads it) leaves out some thresholds and keeps others.
    cells: fc.array(fc.record({ stable: fc.boolean(), loss: fc.double({ min: 0.05, max: 3, noNaN: true }), auc: fc.double({ min: 0.05, max: 3, noNaN: true }), clip: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 60, maxLength: 60 }),
    order: fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
  });

describe('--prune', () => {
  it('never changes the recommendation, whatever the results and the order they arrive in', () => {
    fc.assert(
      fc.property(table, ({ lrs, seeds, cells, order }) => {
        const points = gridPoints(lrs);
        const tasks = points.flatMap((p) => Array.from({ length: seeds }, (_, s) => ({ point: p, seed: s })));
        const full = tasks.map((t, i) => result(t.point.id, t.seed, cells[i % 60]!.stable, cells[i % 60]!.loss, cells[i % 60]!.clip, cells[i % 60]!.auc));
        // Reveal in a random order; before each, prune the task if the results so far allow it.
        const ranked = tasks.map((_, i) => i).sort((a, b) => order[a % 60]! - order[b % 60]! || a - b);
        const known = new Map<string, SeedResult[]>();
        const seen: SeedResult[] = [];
        for (const i of ranked) {
          const t = tasks[i]!;
          const r = isPrunable(t.point, points, known, seeds) ? crashedResult({ pointId: t.point.id, seed: t.seed }, 'pruned', 0, 'pruned') : full[i]!;
          known.set(t.point.id, [...(known.get(t.point.id) ?? []), r]);
          seen.push(r);
        }
        const table = (rs: readonly SeedResult[]) => points.map((p) => aggregatePoint(p, rs.filter((r) => r.pointId === p.id)));
        expect(recommend(table(seen), 0.05)).toEqual(recommend(table(full), 0.05));
      }),
      { numRuns: 400 },
    );
  });

  it('prunes a threshold above one that failed in a seed, once one below is stable in every seed', () => {
    const points = gridPoints([null]);
    const at = (t: number) => points.find((p) => p.threshold === t)!;
    const known = new Map([
      ['norm@0.1', [result('norm@0.1', 0, true, 1, 1), result('norm@0.1', 1, true, 1, 1)]],
      ['norm@0.3', [result('norm@0.3', 0, false, 1, 1)]],
    ]);
    expect(isPrunable(at(1), points, known, 2)).toBe(true);
    expect(isPrunable(at(10), points, known, 2)).toBe(true);
    expect(isPrunable(at(0.3), points, known, 2)).toBe(false);
    expect(isPrunable(points[0]!, points, known, 2)).toBe(false); // never the baseline
    // Without a known-stable threshold below the failure, the region may still start above it.
    known.set('norm@0.1', [result('norm@0.1', 0, true, 1, 1)]);
    expect(isPrunable(at(1), points, known, 2)).toBe(false);
  });
});
