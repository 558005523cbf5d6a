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
