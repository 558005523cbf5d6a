/**
 * `gclip report` on the fixtures: terminal output for runs and sweeps, malformed inputs
 * exit 2 naming file and line without a stack trace, and a 100k-step log (generated).
 */
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runReport } from './harness.js';
import { writeLongRun } from './long-run.js';

describe('gclip report on run directories and sweeps', () => {
  it('summarises the exploding RNN run: status, first bad step, divergence marker and leading layer', async () => {
    const r = await runReport(['fixtures/runs/exploding-rnn']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Run report: fixtures/runs/exploding-rnn/steps.jsonl');
    expect(r.out).toMatch(/status\s+│ halted: loss diverged from step 10/);
    // The onset: the loss first left its regime at step 2 (17.8 vs the best 1.075), long before the streak of step 10.
    expect(r.out).toMatch(/onset\s+│ step 2 \(loss 16.53× the best before it\), layer/);
    expect(r.out).toContain('Loss (log scale)');
    expect(r.out).toContain('Gradient norm (log scale)');
    expect(r.out).toContain('◆');
    expect(r.out).toMatch(/policy acted\s+│ step 14/);
  });

  it('draws the threshold for a clipped run and reports the clip rate', async () => {
    const r = await runReport(['fixtures/runs/rnn-clipped/steps.jsonl', '--width', '60']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/threshold\s+│ 1\s/);
    expect(r.out).toContain('── threshold');
    expect(r.out).toBe(stripVTControlCharacters(r.out));
  });

  it('shows a sweep: points, the recommended threshold marked, extra fields ignored', async () => {
    const r = await runReport(['fixtures/runs/sweep']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/│ 1\s+│ norm\s+│ 3\/3\s+│ 0\.152\s+│ 42\.0%\s+│ ★ recommended/);
    expect(r.out).toContain('Final loss vs clip threshold');
    expect(r.out).toContain('★ recommended max norm 1 — largest threshold');
  });
});

describe('malformed input exits 2 naming file and line, without a stack trace', () => {
  it.each([
    ['fixtures/runs/missing', /✖ nothing to report at fixtures\/runs\/missing: no such file or directory\n {2}at fixtures\/runs\/missing/],
    ['fixtures/runs/malformed/bad-json-line3.jsonl', /✖ line 3 is not valid JSON: .*\n {2}at fixtures\/runs\/malformed\/bad-json-line3\.jsonl:3\n/],
    ['fixtures/runs/malformed/empty.jsonl', /✖ the log has no step records\n {2}at fixtures\/runs\/malformed\/empty\.jsonl\n/],
    ['fixtures/runs/malformed/no-steps-dir', /has no steps\.jsonl or sweep\.json\n {2}at fixtures\/runs\/malformed\/no-steps-dir/],
    ['fixtures/runs/malformed/sweep.json', /✖ not valid JSON: .* at 4:54\n {2}at fixtures\/runs\/malformed\/sweep\.json:4\n/],
  ])('%s', async (path, message) => {
    const r = await runReport([path]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
  });

  it('rejects a bad --width as a flag error', async () => {
    const r = await runReport(['fixtures/runs/exploding-rnn', '--width', 'wide']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--width must be an integer from 20 to 1000, received "wide"');
  });
});

describe('a 100k-step log', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gclip-report-100k-'));
    await writeLongRun(dir, 100_000);
  });

  it('reports every spike and the NaN step and writes an HTML file under 1 MB', async () => {
    const html = join(dir, 'report.html');
    const r = await runReport([dir, '--html', html]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/steps\s+│ 100000 \(step 0 → 99999\)/);
    expect(r.out).toMatch(/events\s+│ spike 3, nonfinite 1/);
    // Spikes only warn: the onset is the NaN step's departure, and the summary names its moments.
    expect(r.out).toMatch(/first non-finite\s+│ step \d+/);
    expect(r.err).toMatch(/HTML report: .*report\.html \(\d+ KiB\)/);
    expect((await stat(html)).size).toBeLessThan(1_000_000);
    expect(await readFile(html, 'utf8')).toContain('Drawn from');
  });
});
