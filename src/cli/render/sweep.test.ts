import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { aggregatePoint, type SeedResult } from '../../sweep/metrics.js';
import { recommend } from '../../sweep/recommend.js';
import type { SweepReport } from '../../sweep/index.js';
import { renderTable } from './sweep.js';

const seed = (pointId: string, s: number, loss: number): SeedResult => ({
  pointId, seed: s, status: 'ok', stable: true, steps: 100, finalLoss: loss, bestLoss: loss, lossAuc: 1,
  clipRate: 0.5, spikes: 0, skipped: 0, firstBadStep: null, norms: null, reason: null, wallMs: 1,
});

describe('the sweep table', () => {
  it('shows the median final loss and the mean the rule ranks by, side by side', () => {
    // Seeds 0.1, 0.2, 0.6: median 0.2, mean 0.3 — the reason quotes 0.3, so the table must show it.
    const point = aggregatePoint({ id: 'norm@1', threshold: 1, strategy: 'norm' }, [0.1, 0.2, 0.6].map((l, i) => seed('norm@1', i, l)));
    const report = { points: [point], recommendation: recommend([point], 0.05) } as unknown as SweepReport;
    const text = renderTable(report, new Chalk({ level: 0 }));
    expect(text).toMatch(/final loss median\s+│ mean\s+│/);
    expect(text).toMatch(/max_norm 1 ◀\s+│ 3\/3\s+│ 0\.2\s+│ 0\.3\s+│/);
    expect(recommend([point], 0.05).reason).toContain('0.3');
  });
});
