/**
 * Issue #16 item 3: foreign logs read as their tools wrote them. HF `grad_norm` is the
 * pre-clip norm; a NaN streak that then reads 0 has no best loss 0; report and check list
 * the same events.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/check/index.js';
import { checkSchema } from '../../src/config/check-schema.js';
import { parseLog } from '../../src/log/index.js';
import { buildReport, summaryRows, type Report } from '../../src/report/view/index.js';

const HEALTHY = 'fixtures/logs/hf-finetune-preclip.json';
const NAN_STREAK = 'fixtures/logs/hf-nan-streak.json';
const criteria = checkSchema.parse({});

function judge(file: string, clipNorm?: number) {
  const log = parseLog(readFileSync(file, 'utf8'), file, clipNorm === undefined ? {} : { clipNorm });
  return { log, result: evaluate(log.records, criteria, undefined, log.clipping) };
}

function runSummary(report: Report) {
  if (report.kind !== 'run') throw new Error('expected a run report');
  return report.summary;
}

const clipRate = (r: ReturnType<typeof judge>['result']) => r.criteria.find((c) => c.name === 'clip_rate')!;

describe('HF state with pre-clip norms above max_grad_norm', () => {
  it('has an unknown clip rate without --max-grad-norm, and says how to give it', () => {
    const { log, result } = judge(HEALTHY);
    expect(log.clipping).toBe('unknown');
    expect(clipRate(result)).toMatchObject({ value: null, passed: true });
    expect(clipRate(result).reason).toContain('--max-grad-norm');
    const rows = Object.fromEntries(summaryRows(runSummary(buildReport({ kind: 'run', source: HEALTHY, format: log.format, clipping: log.clipping, records: log.records, outcome: null }))));
    expect(rows['steps clipped']).toMatch(/^unknown: .*--max-grad-norm/);
    expect(rows['post-clip norm max']).toBe('unknown');
  });

  it('measures the clip rate with --max-grad-norm 1 and still passes the default gate', () => {
    const { log, result } = judge(HEALTHY, 1);
    const above = log.records.filter((r) => r.preClipNorm > 1).length;
    expect(above).toBeGreaterThan(0.9 * log.records.length);
    expect(clipRate(result).value).toBeCloseTo(above / log.records.length, 12);
    expect(result.passed).toBe(true);
    expect(result.onset).toBeNull();
  });
});

describe('HF state with a NaN streak', () => {
  const { log, result } = judge(NAN_STREAK);
  const report = buildReport({ kind: 'run', source: NAN_STREAK, format: log.format, clipping: log.clipping, records: log.records, outcome: null });
  if (report.kind !== 'run') throw new Error('expected a run report');

  it('has no best loss 0 after the streak', () => {
    expect(report.summary.bestLoss?.value).toBeGreaterThan(1);
    expect(report.summary.bestLoss?.step).toBeLessThan(65);
  });

  it('gives report and check the same events and the same moments', () => {
    const value = (name: string) => result.criteria.find((c) => c.name === name)?.value;
    expect([value('spikes'), value('nonfinite')]).toEqual([report.summary.events.spike ?? 0, report.summary.nonfiniteSteps]);
    expect(report.summary.events.nonfinite).toBe(5);
    expect(result.onset).toEqual(report.summary.onset);
    expect(result.firstNonfiniteStep).toBe(65);
    expect(report.summary.firstNonfiniteStep).toBe(65);
    // The 48.5 gradient norm at step 60 (1000× not reached) is not the onset; the NaN at 65 is.
    expect(result.onset?.step).toBe(65);
  });
});

describe('sweep with a diverged baseline', () => {
  it('draws final loss on a log axis in the terminal and the HTML', async () => {
    const { parseSweep, buildTerminalSweep } = await import('../../src/report/view/index.js');
    const { buildHtmlReport } = await import('../../src/report/html/index.js');
    const file = 'fixtures/runs/sweep-diverged/sweep.json';
    const report = buildReport({ kind: 'sweep', source: file, sweep: parseSweep(readFileSync(file, 'utf8'), file) });
    if (report.kind !== 'sweep') throw new Error('expected a sweep report');
    expect(report.chart.baselineLoss).toBe(3.4e12);
    expect(report.chart.lossLog).toBe(true);
    expect(buildTerminalSweep(report.chart, 72).lossLog).toBe(true);
    const html = buildHtmlReport(report, { js: '', css: '', version: 'test' });
    expect(html).toContain('"lossLog":true');
  });
});
