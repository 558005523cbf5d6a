/** The report view: summary folding, sweep parsing, what a .json file is read as, and chart bounds. */
import JSON5 from 'json5';
import { describe, expect, it, vi } from 'vitest';
import { summarizeRecords } from '../../src/log/index.js';
import { buildRunChart, buildSweepChart, loadReportInput, parseSweep } from '../../src/report/view/index.js';
import { makeLongRun, nanStep, spikeSteps } from './long-run.js';

describe('summarizeRecords', () => {
  it('counts non-finite steps, events and the max norm step', () => {
    const s = summarizeRecords(makeLongRun(1000));
    expect(s.steps).toBe(1000);
    expect(s.events).toEqual({ spike: 3, nonfinite: 1 });
    expect(s.nonfiniteSteps).toBe(1);
    expect(s.firstBadStep).toBe(nanStep(1000));
    expect(spikeSteps(1000)).toContain(s.preClipNorm.maxStep);
    expect(s.threshold).toEqual({ min: 1, max: 1 });
  });
});

describe('buildRunChart', () => {
  it('bounds a 100k-step run to at most 9 points per bucket and keeps every spike step', () => {
    const c = buildRunChart(makeLongRun(100_000), { buckets: 1000 });
    expect(c.steps.length).toBeLessThanOrEqual(9000);
    for (const s of spikeSteps(100_000)) expect(c.steps).toContain(s);
    expect(c.events.map((e) => e.kind)).toEqual(['spike', 'spike', 'spike', 'nonfinite']);
    expect(c.preClipNorm[c.steps.indexOf(nanStep(100_000))]).toBeNull();
  });
});

describe('parseSweep', () => {
  it('reads the documented fields, decodes "NaN" and ignores extra fields', () => {
    const sweep = parseSweep(JSON.stringify({
      future: true,
      recommendation: { maxNorm: 2, reason: 'stable', extra: 1 },
      points: [
        { threshold: null, strategy: 'none', seeds: 2, stableSeeds: 0, finalLoss: 'NaN', clipRate: 0 },
        { threshold: 2, strategy: 'norm', seeds: 2, stableSeeds: 2, finalLoss: 0.5, clipRate: 0.3, histogram: [1, 2] },
        { threshold: 1, strategy: 'norm', seeds: 2, stableSeeds: 2, finalLoss: 0.6, clipRate: 0.6 },
      ],
    }), 'sweep.json');
    expect(sweep.points[0]?.finalLoss).toBeNaN();
    expect(sweep.recommendation).toEqual({ maxNorm: 2, reason: 'stable' });
    const chart = buildSweepChart(sweep);
    expect(chart.series).toEqual([{ strategy: 'norm', thresholds: [1, 2], finalLoss: [0.6, 0.5], stableRate: [1, 1] }]);
    expect(chart.baselineLoss).toBeNull();
    expect(chart.recommended).toEqual({ threshold: 2, finalLoss: 0.5 });
  });

  it('names the first bad field', () => {
    expect(() => parseSweep('{"points":[{"threshold":1,"strategy":"norm","seeds":"three","stableSeeds":1}]}', 's.json')).toThrow(/points\.0\.seeds/);
  });
});

describe('loadReportInput on a .json file', () => {
  const sweepText = JSON.stringify({ recommendation: null, points: [{ threshold: 1, strategy: 'norm', seeds: 2, stableSeeds: 2, finalLoss: 'NaN', clipRate: 0.5 }] });
  const reader = (files: Record<string, string>) => ({ readText: async (p: string) => files[p]!, kind: async (p: string) => (p in files ? ('file' as const) : null) });

  it('parses a sweep under another name once, with its "NaN" decoded', async () => {
    const jsonParse = vi.spyOn(JSON, 'parse');
    const json5Parse = vi.spyOn(JSON5, 'parse');
    try {
      const input = await loadReportInput('grid.json', reader({ 'grid.json': sweepText }));
      expect(input.kind === 'sweep' && input.sweep.points[0]?.finalLoss).toBeNaN();
      // One parse of the text: the JSON that told it is a sweep is the one reported.
      expect(jsonParse.mock.calls.filter(([t]) => t === sweepText).length + json5Parse.mock.calls.filter(([t]) => t === sweepText).length).toBe(1);
    } finally {
      jsonParse.mockRestore();
      json5Parse.mockRestore();
    }
  });

  it('reads a .json without points as a log, and bad JSON in a sweep.json as a sweep error with its line', async () => {
    const hf = JSON.stringify({ log_history: [{ step: 1, loss: 0.5, grad_norm: 1.5 }] });
    expect(await loadReportInput('trainer_state.json', reader({ 'trainer_state.json': hf }))).toMatchObject({ kind: 'run', format: 'hf' });
    await expect(loadReportInput('sweep.json', reader({ 'sweep.json': '{\n "points": [\n' }))).rejects.toMatchObject({ code: 'sweep_invalid', issues: [{ source: 'sweep.json:3' }] });
  });
});
