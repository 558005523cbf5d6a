import { describe, expect, it } from 'vitest';
import { parseSweep } from '../../src/report/view/sweep.js';

const point = (threshold: number | null, lr?: number, finalLoss = 0.5) => ({ threshold, strategy: threshold === null ? 'none' : 'norm', seeds: 2, stableSeeds: 2, finalLoss, clipRate: 0.1, ...(lr === undefined ? {} : { lr }) });

describe('gclip report reading sweep.json', () => {
  it('reads version 1 files (no lr field) as before', () => {
    const v1 = { version: 1, recommendation: { maxNorm: 1, reason: 'r' }, points: [point(null), point(1), point(2)] };
    const s = parseSweep(JSON.stringify(v1), 'sweep.json');
    expect(s.points.map((p) => p.threshold)).toEqual([null, 1, 2]);
    expect(s.recommendation).toEqual({ maxNorm: 1, reason: 'r' });
  });

  it('on a version 2 lr axis, charts the recommended lr column only', () => {
    const v2 = { version: 2, recommendation: { maxNorm: 2, reason: 'r', lr: 0.1 }, points: [point(null, 0.01, 0.3), point(2, 0.01, 0.4), point(null, 0.1, 9), point(2, 0.1, 0.2)] };
    const s = parseSweep(JSON.stringify(v2), 'sweep.json');
    expect(s.points.map((p) => [p.threshold, p.finalLoss])).toEqual([[null, 9], [2, 0.2]]);
  });
});

describe('HTML heatmap of an lr axis', () => {
  it('has one row per max_norm (unclipped first) and one column per lr, with each seed on hover', async () => {
    const { heatmapHtml } = await import('../../src/report/html/sweep-heatmap.js');
    const { escapeHtml } = await import('../../src/report/html/build.js');
    const runs = (a: number, b: number) => [{ seed: 1, finalLoss: a }, { seed: 2, finalLoss: b }];
    const v2 = {
      version: 2,
      recommendation: { status: 'clip', maxNorm: 2, reason: 'r', lr: 0.1 },
      points: [
        { ...point(null, 0.01, 0.3), finalLossSpread: 0.01, runs: runs(0.29, 0.31) }, { ...point(2, 0.01, 0.4), runs: runs(0.4, 0.4) },
        { ...point(null, 0.1, Number.NaN), stableSeeds: 0, runs: [] }, { ...point(2, 0.1, 0.2), finalLossSpread: 0.05, runs: runs(0.15, 0.25) },
      ],
    };
    const s = parseSweep(JSON.stringify(v2), 'sweep.json');
    expect(s.heatmap).toMatchObject({ lrs: [0.01, 0.1], rows: [null, 2] });
    expect(s.heatmap!.cells[1]![1]).toMatchObject({ stableSeeds: 2, finalLoss: 0.2, spread: 0.05, recommended: true });
    const html = heatmapHtml(s.heatmap!, escapeHtml);
    expect(html).toMatch(/<th>lr 0\.01<\/th><th>lr 0\.1<\/th>/);
    expect(html).toMatch(/<th>unclipped<\/th><td style="background:#d8f0d8" title="seed spread ±0\.01\nseed 1: 0\.29\nseed 2: 0\.31">2\/2 0\.3<\/td>/);
    expect(html).toMatch(/title="seed spread ±0\.05\nseed 1: 0\.15\nseed 2: 0\.25">2\/2 0\.2 ★<\/td>/);
    expect(parseSweep(JSON.stringify({ points: [point(1)] }), 'v1.json').heatmap).toBeNull();
  });
});
