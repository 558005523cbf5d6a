/**
 * `check`, `report` and the run's own summary.json read the same log through `log/` and
 * summarise it with one summariser, so they agree on every number they share.
 */
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/check/criteria.js';
import { checkSchema } from '../../src/check/schema.js';
import { loadLog } from '../../src/log/read.js';
import { buildReport, loadReportInput, type RunReport } from '../../src/report/view/index.js';

const access = {
  readText: (p: string) => readFile(p, 'utf8'),
  kind: (p: string) => stat(p).then((s) => (s.isDirectory() ? ('dir' as const) : ('file' as const)), () => null),
};

/** Every count criterion measured (bounds high enough to pass), and a baseline so the norm median and p90 are too. */
const criteria = checkSchema.parse({ maxNonfinite: 1e9, maxSkipped: 1e9, clipRate: { min: 0, max: 1 } });
const baseline = { finalLoss: 1, preClipNorm: { median: 1, p90: 1 } };

async function bothViews(path: string, log: string) {
  const report = buildReport(await loadReportInput(path, access)) as RunReport;
  const records = (await loadLog(log, access.readText)).records;
  const value = (name: string) => evaluate(records, criteria, baseline).criteria.find((c) => c.name === name)?.value;
  return { summary: report.summary, value };
}

describe('check and report on the same log', () => {
  it.each([
    ['fixtures/logs/steps-fail.jsonl'],
    ['fixtures/logs/steps-pass.jsonl'],
    ['fixtures/logs/metrics-fail.csv'],
    ['fixtures/logs/trainer_state-fail.json'],
  ])('%s: the same counts, clip rate and norm median and p90', async (file) => {
    const { summary, value } = await bothViews(file, file);
    expect(value('nonfinite')).toBe(summary.nonfiniteSteps);
    expect(value('skipped')).toBe(summary.skippedSteps);
    expect(value('clip_rate')).toBe(summary.clipRate);
    expect(value('baseline_grad_norm_median')).toBe(summary.preClipNorm.median);
    expect(value('baseline_grad_norm_p90')).toBe(summary.preClipNorm.p90);
  });

  it('steps-fail.jsonl has something to count in each', async () => {
    const { summary } = await bothViews('fixtures/logs/steps-fail.jsonl', 'fixtures/logs/steps-fail.jsonl');
    expect(summary.nonfiniteSteps).toBeGreaterThan(0);
    expect(summary.skippedSteps).toBeGreaterThan(0);
  });
});

describe('report on a run directory and the summary.json the run wrote', () => {
  it('agree on every number the run summary holds', async () => {
    const dir = 'fixtures/runs/exploding-rnn';
    const { summary, value } = await bothViews(dir, `${dir}/steps.jsonl`);
    const written = JSON.parse(await readFile(`${dir}/summary.json`, 'utf8')) as Record<string, unknown>;
    expect(summary.outcome?.status).toBe(written.status);
    expect({
      steps: summary.steps,
      finalLoss: summary.finalLoss,
      bestLoss: summary.bestLoss?.value,
      firstBadStep: summary.firstBadStep,
      preClipNorm: { median: summary.preClipNorm.median, p90: summary.preClipNorm.p90, max: summary.preClipNorm.max },
      clipRate: summary.clipRate,
      skippedSteps: summary.skippedSteps,
      events: summary.events,
    }).toEqual({
      steps: written.steps,
      finalLoss: written.finalLoss,
      bestLoss: written.bestLoss,
      firstBadStep: written.firstBadStep,
      preClipNorm: written.preClipNorm,
      clipRate: written.clipRate,
      skippedSteps: written.skippedSteps,
      events: written.events,
    });
    expect(value('skipped')).toBe(written.skippedSteps);
  });
});
