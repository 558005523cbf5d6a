/**
 * `gclip check` spawned end to end: exit codes, stdout with ANSI stripped, and the files it
 * writes (JUnit XML, step summary) read back and parsed. Needs `npm run build` first.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJUnit, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { gclip, ROOT, stripAnsi } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-check-'));
const LOGS = 'fixtures/logs/';

interface JsonCriterion {
  name: string;
  passed: boolean;
  value: number | null;
  bound: number | { min: number; max: number } | null;
  reason: string;
}
interface JsonResult {
  passed: boolean;
  steps: number;
  format: string;
  notes: string[];
  criteria: JsonCriterion[];
}

/** Runs check with --json and parses stdout, which must be exactly one JSON object. */
function checkJson(args: readonly string[], env: Record<string, string | undefined> = {}) {
  const r = gclip(['check', ...args, '--json'], { env });
  const result = JSON.parse(r.stdout) as JsonResult;
  const failed = result.criteria.filter((c) => !c.passed).map((c) => c.name);
  return { r, result, failed };
}

/** A config whose `check:` block adds the criteria the fixtures never break by default. */
function strictConfig(): string {
  const file = join(tmp(), 'strict.yaml');
  writeFileSync(file, 'check:\n  gradNorm:\n    - { p: 99, max: 1 }\n  clipRate: { min: 0.9, max: 1 }\n');
  return file;
}

const FORMATS = [
  ['steps-pass.jsonl', 'steps-fail.jsonl', 'gclip', ['nonfinite', 'spikes', 'skipped', 'loss_ratio', 'divergence']],
  ['metrics-pass.csv', 'metrics-fail.csv', 'csv', ['nonfinite', 'spikes', 'loss_ratio', 'divergence']],
  ['trainer_state-pass.json', 'trainer_state-fail.json', 'hf', ['nonfinite', 'spikes', 'loss_ratio', 'divergence']],
] as const;

describe('gclip check --log: each format', () => {
  it.each(FORMATS)('%s passes: exit 0 and a table of passed criteria', (pass, _fail, format) => {
    const r = gclip(['check', '--log', LOGS + pass, '--clipped-at', '1.05']);
    expect(r.code).toBe(0);
    const out = stripAnsi(r.stdout);
    for (const name of ['nonfinite', 'spikes', 'skipped', 'loss_ratio', 'clip_rate', 'divergence']) expect(out).toMatch(new RegExp(`✔ │ ${name}\\s`));
    expect(out).toContain('✔ check passed: 6 criteria, 100 steps');
    expect(out).toContain(`judged: ${LOGS}${pass} (${format})`);
  });

  it.each(FORMATS)('%s / %s fails exactly the criteria the fixture breaks: exit 1', (_pass, fail, format, expected) => {
    const { r, result, failed } = checkJson(['--log', LOGS + fail, '--clipped-at', '1.05']);
    expect(r.code).toBe(1);
    expect(result).toMatchObject({ passed: false, steps: 100, format });
    expect(failed).toEqual(expected);
  });

  it.each(FORMATS)('%s fails grad_norm_p99 from the --config check: block, and clip_rate where the clip rate is known', (pass) => {
    const { r, failed, result } = checkJson(['--log', LOGS + pass, '--config', strictConfig()]);
    expect(r.code).toBe(1);
    const clip = result.criteria.find((c) => c.name === 'clip_rate');
    expect(clip?.bound).toEqual({ min: 0.9, max: 1 });
    if (pass.endsWith('.jsonl')) {
      expect(failed).toEqual(['grad_norm_p99', 'clip_rate']);
    } else {
      // A foreign log's norms are pre-clip: without --max-grad-norm its clip rate is unknown, not 0.
      expect(failed).toEqual(['grad_norm_p99']);
      expect(clip?.value).toBeNull();
      expect(clip?.reason).toContain('--max-grad-norm');
    }
  });

  it('--json prints one object with passed and criteria {name, passed, value, bound, reason}', () => {
    const { r, result } = checkJson(['--log', LOGS + 'metrics-fail.csv']);
    expect(r.stderr).toBe('');
    expect(typeof result.passed).toBe('boolean');
    for (const c of result.criteria) expect(Object.keys(c).sort()).toEqual(['bound', 'name', 'passed', 'reason', 'value']);
    // metrics-fail.csv: NaN at step 85 is the only non-finite row.
    expect(result.criteria[0]).toMatchObject({ name: 'nonfinite', passed: false, value: 1, bound: 0 });
    expect(result.criteria[0]?.reason).toMatch(/first at step 85/);
  });

  it('reads a CSV with its own column names given by flags', () => {
    const file = join(tmp(), 'custom.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${(2 / (1 + i)).toFixed(4)},${(1 + 0.01 * (i % 3)).toFixed(3)}`);
    writeFileSync(file, ['it,objective,gnorm', ...rows].join('\n') + '\n');
    const missing = gclip(['check', '--log', file]);
    expect(missing.code).toBe(2);
    expect(stripAnsi(missing.stderr)).toMatch(/no loss column: .*columns found: it, objective, gnorm/);
    const { r, result } = checkJson(['--log', file, '--step-column', 'it', '--loss-column', 'objective', '--grad-norm-column', 'gnorm']);
    expect(r.code).toBe(0);
    expect(result).toMatchObject({ passed: true, steps: 40, format: 'csv' });
  });
});

describe('gclip check: bad input is exit 2 with a message naming file and line', () => {
  it.each([
    ['malformed-bad-json.jsonl', /malformed-bad-json\.jsonl:3/],
    ['malformed-bad-value.csv', /malformed-bad-value\.csv:4/],
    ['malformed-missing-column.csv', /malformed-missing-column\.csv:1/],
    ['malformed-truncated.json', /malformed-truncated\.json:\d+/],
    ['malformed-empty.jsonl', /malformed-empty\.jsonl/],
    ['does-not-exist.csv', /log file not found: fixtures\/logs\/does-not-exist\.csv/],
  ])('%s', (name, where) => {
    const r = gclip(['check', '--log', LOGS + name]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = stripAnsi(r.stderr);
    expect(err).toMatch(/^✖ /);
    expect(err).toMatch(where);
    expect(err).not.toMatch(/undefined|\[object Object\]|\n\s+at .*\.js:\d+/);
  });

  it.each([
    [['--log', LOGS + 'metrics-pass.csv', '--steps', '5'], /--steps applies only when training/],
    [['--config', 'configs/ci-check.yaml', '--format', 'csv'], /--format applies only to --log/],
    [['--log', LOGS + 'metrics-pass.csv', '--format', 'xml'], /Allowed choices are gclip, csv, hf/],
    [['--log', LOGS + 'metrics-pass.csv', '--clipped-at', '-1'], /expected a positive number/],
    [['--log', LOGS + 'metrics-pass.csv', '--baseline', 'nope.json'], /baseline file not found: nope\.json/],
    [['--config', 'configs/ci-check.yaml', '--steps', 'ten'], /--steps/],
  ])('gclip check %j', (args, message) => {
    const r = gclip(['check', ...args]);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toMatch(message);
  });

  it('an invalid check: block is reported at its line', () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(file, 'name: x\ncheck:\n  maxSpikes: -1\n  lossRatoi: 0.5\n');
    const r = gclip(['check', '--log', LOGS + 'metrics-pass.csv', '--config', file]);
    expect(r.code).toBe(2);
    const err = stripAnsi(r.stderr);
    expect(err).toContain(`${file}:3`);
    expect(err).toMatch(/Did you mean lossRatio\?/);
  });
});

describe('gclip check --junit', () => {
  it('writes JUnit XML a JUnit reader parses: one test case per criterion, failures carry the value', async () => {
    const dir = tmp();
    const file = join(dir, 'reports', 'gclip.xml');
    const r = gclip(['check', '--log', LOGS + 'trainer_state-fail.json', '--junit', file]);
    expect(r.code).toBe(1);
    const doc = (await parseJUnit(readFileSync(file, 'utf8'))) as TestSuites;
    expect(doc).toMatchObject({ tests: 6, failures: 4, errors: 0 });
    const cases = doc.testsuite?.[0]?.testcase ?? [];
    expect(cases.map((c) => c.name)).toEqual(['nonfinite', 'spikes', 'skipped', 'loss_ratio', 'clip_rate', 'divergence']);
    const nonfinite = cases[0]?.failure?.[0];
    expect(nonfinite?.message).toMatch(/first at step 860/);
    expect(nonfinite?.inner).toMatch(/measured: 1\nbound: ≤ 0/);
    expect(cases[2]?.failure).toBeUndefined();
    // Written by rename: no temp file is left beside it.
    expect(readdirSync(join(dir, 'reports'))).toEqual(['gclip.xml']);
  });
});

describe('gclip check under GitHub Actions', () => {
  it('prints escaped ::error commands and appends a Markdown table to $GITHUB_STEP_SUMMARY', () => {
    const dir = tmp();
    // A log path with % and , checks property escaping end to end (toolkit escapeProperty).
    const log = join(dir, 'run 100%,v2.csv');
    copyFileSync(join(ROOT, LOGS, 'metrics-fail.csv'), log);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = gclip(['check', '--log', log], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    // One per failed criterion (4) and one for the onset.
    expect(commands).toHaveLength(5);
    expect(commands.filter((l) => l.includes('title=gclip check%3A onset'))).toHaveLength(1);
    const escapedFile = log.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C');
    expect(commands[0]).toBe(`::error title=gclip check%3A nonfinite,file=${escapedFile}::1 non-finite step(s), first at step 85 (loss NaN, grad norm NaN) (bound ≤ 0)`);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n### gclip check')).toBe(true);
    expect(md).toContain('❌ failed (4 of 6 criteria)');
    expect(md).toContain('| nonfinite | ❌ fail | 1 | ≤ 0 |');
  });

  it('keeps stdout one JSON object under --json: the commands go to stderr', () => {
    const { r, result } = checkJson(['--log', LOGS + 'steps-fail.jsonl'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: undefined });
    expect(result.passed).toBe(false);
    // One per failed criterion (5) and one for the onset.
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::error '))).toHaveLength(6);
  });

  it('prints no commands outside GitHub Actions', () => {
    const r = gclip(['check', '--log', LOGS + 'steps-fail.jsonl'], { env: { GITHUB_ACTIONS: undefined } });
    expect(r.stdout).not.toMatch(/^::/m);
  });
});

describe('gclip check --config: train, then judge', () => {
  it('passes configs/ci-check.yaml, keeps the run with --out, and the run passes against its own summary', () => {
    const out = join(tmp(), 'run');
    const r = gclip(['check', '--config', 'configs/ci-check.yaml', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const text = stripAnsi(r.stdout);
    expect(text).toContain('✔ check passed: 7 criteria, 120 steps');
    expect(text).toContain('judged: configs/ci-check.yaml (run)');
    const again = checkJson(['--log', join(out, 'steps.jsonl'), '--config', 'configs/ci-check.yaml', '--baseline', join(out, 'summary.json')]);
    expect(again.r.code).toBe(0);
    expect(again.result.criteria.slice(-3).map((c) => [c.name, c.passed])).toEqual([
      ['baseline_final_loss', true],
      ['baseline_grad_norm_median', true],
      ['baseline_grad_norm_p90', true],
    ]);
  });

  it('measures an AGC run clipping every step without failing it: AGC sets that rate by design', () => {
    const { r, result } = checkJson(['--config', 'configs/ci-check.yaml', '--clip', 'agc', '--quiet']);
    const rate = result.criteria.find((c) => c.name === 'clip_rate');
    expect(rate).toMatchObject({ passed: true, value: 1 });
    expect(rate?.reason).toContain('not judged');
    expect(r.code).toBe(0);
  });

  it('judges the AGC run the same way from its log: check --log reads clipRateByDesign from the summary beside it', () => {
    const out = join(tmp(), 'agc');
    expect(gclip(['train', '--config', 'configs/ci-check.yaml', '--clip', 'agc', '--out', out, '--quiet']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).clipRateByDesign).toBe(true);
    const fromLog = checkJson(['--log', join(out, 'steps.jsonl')]);
    expect(fromLog.result.criteria.find((c) => c.name === 'clip_rate')).toMatchObject({ passed: true, value: 1 });
    // The same log without its summary (copied out of the run directory) is judged as recorded.
    const alone = join(tmp(), 'steps.jsonl');
    copyFileSync(join(out, 'steps.jsonl'), alone);
    expect(checkJson(['--log', alone]).result.criteria.find((c) => c.name === 'clip_rate')).toMatchObject({ passed: false, value: 1 });
  });

  it('fails the exploding RNN (no clipping) on non-finite values or divergence: exit 1', () => {
    const { r, result, failed } = checkJson(['--config', 'configs/exploding-rnn.yaml', '--quiet']);
    expect(r.code).toBe(1);
    expect(result.format).toBe('run');
    expect(failed.some((n) => n === 'nonfinite' || n === 'divergence')).toBe(true);
    // The halt itself is reported as a note (a ::warning under GitHub Actions).
    expect(result.notes).toEqual([expect.stringMatching(/^training halted at step \d+: /)]);
  });

  it('fails the baseline criteria when the run is worse than the baseline', () => {
    const baseline = join(tmp(), 'summary.json');
    writeFileSync(baseline, JSON.stringify({ status: 'ok', finalLoss: 1e-6, preClipNorm: { median: 0.01, p90: 0.02, max: 1 }, extra: true }));
    const { r, failed } = checkJson(['--config', 'configs/ci-check.yaml', '--quiet', '--baseline', baseline]);
    expect(r.code).toBe(1);
    expect(failed).toEqual(['baseline_final_loss', 'baseline_grad_norm_median', 'baseline_grad_norm_p90']);
  });
});
