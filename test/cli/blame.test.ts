import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclipAsync, stripAnsi } from '../helpers/cli.js';

/** An MLP on the fixture CSV whose line 122 is a row scaled by 1e6: it halts at step 9 (seed 5), the row's batch is step 8's. */
const CONFIG = `
name: blowup
seed: 5
model: { kind: mlp, hidden: [16] }
data: { kind: file, path: fixtures/data/blowup.csv, target: y, batchSize: 16 }
train: { steps: 60, optimizer: sgd, lr: 0.05 }
clip: { kind: none }
`;
const BAD_LINE = 122;

describe('bad-batch blame (spawned)', () => {
  it('names the planted row\'s line at the first bad step in train, report and check, and --skip-rows then trains stably', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-blame-'));
    const config = join(dir, 'blowup.yaml');
    writeFileSync(config, CONFIG);
    const bad = await gclipAsync(['train', '--config', config, '--out', join(dir, 'bad'), '--json', '--quiet']);
    expect(bad.code).toBe(1);
    const summary = JSON.parse(bad.stdout);
    expect(summary.onset.batch).toMatchObject({ step: summary.firstBadStep, file: 'fixtures/data/blowup.csv' });
    expect(summary.onset.batch.lines).toContain(BAD_LINE);
    expect(summary.onset.batch.indices).toHaveLength(16);
    const badRows = join(dir, 'bad', 'bad-rows.txt');
    expect(summary.hints.at(-1)).toContain(`--skip-rows ${badRows}`);
    const listed = readFileSync(badRows, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map(Number);
    expect(listed).toEqual([...summary.onset.batch.lines].sort((a: number, b: number) => a - b));

    const report = await gclipAsync(['report', join(dir, 'bad'), '--html', join(dir, 'report.html')]);
    expect(report.code).toBe(0);
    expect(stripAnsi(report.stdout)).toMatch(new RegExp(`bad batch\\s+│ step ${summary.firstBadStep}: lines \\d+`));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(`step ${summary.firstBadStep}: lines`);
    const reportJson = JSON.parse((await gclipAsync(['report', join(dir, 'bad'), '--json'])).stdout);
    expect(reportJson.summary.onset.batch).toEqual(summary.onset.batch);
    const check = await gclipAsync(['check', '--log', join(dir, 'bad', 'steps.jsonl'), '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).onset.batch).toEqual(summary.onset.batch);

    const good = await gclipAsync(['train', '--config', config, '--out', join(dir, 'good'), '--skip-rows', badRows, '--json', '--quiet']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ status: 'ok', steps: 60, events: {}, onset: null });
    expect(existsSync(join(dir, 'good', 'bad-rows.txt'))).toBe(false);
  });

  it('refuses a skip file naming a line the data file has no row on: exit 2, the skip file and its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-blame-'));
    writeFileSync(join(dir, 'skip.txt'), '# from an older file\n122\n9999\n');
    const r = await gclipAsync(['train', '--data', 'fixtures/data/blowup.csv', '--target', 'y', '--steps', '2', '--skip-rows', join(dir, 'skip.txt'), '--out', join(dir, 'run')]);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toContain('line 9999 is not a data row of fixtures/data/blowup.csv (its data rows are lines 2–201)');
    expect(stripAnsi(r.stderr)).toContain(`${join(dir, 'skip.txt')}:3`);
    expect(r.stderr).not.toMatch(/\n\s+at .+\.js:\d+/);
  });
});
