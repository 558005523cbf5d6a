/**
 * `gclip report FILE` and `gclip check --log FILE` read the summary.json beside a run's
 * steps.jsonl the same way, so they say the same thing about its clip rate: a strategy that
 * sets its own rate (AutoClip, AGC) has it shown with the same reason, never failed.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsAccess } from '../../src/cli/fs-access.js';
import { BY_DESIGN_CLIP_RATE } from '../../src/log/index.js';
import { buildReport, loadReportInput, summaryRows } from '../../src/report/view/index.js';

import { gclip } from '../helpers/cli.js';
import { runReport } from './harness.js';

const RUN = 'fixtures/runs/rnn-clipped';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the clipped RNN run (284 of 300 steps clipped) whose summary says its strategy sets its clip rate. */
function byDesignRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-beside-'));
  made.push(dir);
  copyFileSync(join(RUN, 'steps.jsonl'), join(dir, 'steps.jsonl'));
  const summary = JSON.parse(readFileSync(join(RUN, 'summary.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, clipRateByDesign: true }));
  return dir;
}

const clipRateCriterion = (file: string) => {
  const r = gclip(['check', '--log', file, '--json']);
  return (JSON.parse(r.stdout) as { criteria: { name: string; passed: boolean; value: number; reason: string }[] }).criteria.find((c) => c.name === 'clip_rate')!;
};

/** The report's summary row `label` (the terminal and HTML show these words). */
async function reportRow(path: string, label: string): Promise<string | undefined> {
  const report = buildReport(await loadReportInput(path, fsAccess(process.cwd())));
  return report.kind === 'run' ? summaryRows(report.summary).find(([l]) => l === label)?.[1] : undefined;
}

async function reportJson(path: string) {
  const r = await runReport([path, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { summary: { clipping: string; clipRate: number; outcome: { status: string; backend: string } | null } }).summary;
}

describe('a steps.jsonl with its summary.json beside it', () => {
  it('reports the run as its directory does: outcome read, clip rate by design with the reason check gives', async () => {
    const dir = byDesignRun();
    const steps = join(dir, 'steps.jsonl');
    const fromFile = await reportJson(steps);
    expect(fromFile).toMatchObject({ clipping: 'by-design', clipRate: 284 / 300, outcome: { status: 'ok', backend: 'wasm' } });
    expect(await reportJson(dir)).toEqual(fromFile);
    expect((await runReport([steps])).out).toMatch(/status\s+│ ok/);
    expect(await reportRow(steps, 'steps clipped')).toBe(`94.7% (${BY_DESIGN_CLIP_RATE})`);
    // check --log on the same file: the same rate, shown with the same reason, not failed (94.7% is outside the 0–0.5 band).
    const judged = clipRateCriterion(steps);
    expect(judged).toMatchObject({ passed: true, value: 284 / 300 });
    expect(judged.reason).toContain(`not judged: ${BY_DESIGN_CLIP_RATE}`);
  });

  it('reads the log as recorded when the summary is gone or malformed, in both commands', async () => {
    const dir = byDesignRun();
    const steps = join(dir, 'steps.jsonl');
    for (const breakSummary of [() => writeFileSync(join(dir, 'summary.json'), '{ "status": '), () => rmSync(join(dir, 'summary.json'))]) {
      breakSummary();
      expect(await reportJson(steps)).toMatchObject({ clipping: 'recorded', outcome: null });
      expect(await reportRow(steps, 'steps clipped')).toBe('94.7%');
      expect(clipRateCriterion(steps)).toMatchObject({ passed: false, value: 284 / 300 });
    }
  });

  it('pairs only a log named steps.jsonl with the summary beside it: another name may be another run', async () => {
    const dir = byDesignRun();
    const other = join(dir, 'other-run.jsonl');
    copyFileSync(join(dir, 'steps.jsonl'), other);
    expect(await reportJson(other)).toMatchObject({ clipping: 'recorded', outcome: null });
    expect(clipRateCriterion(other)).toMatchObject({ passed: false, value: 284 / 300 });
  });
});
