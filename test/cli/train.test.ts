import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/log/codec.js';
import { gclip, stripAnsi } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-cli-'));
const readJsonl = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map(decodeRecord);

describe('gclip train (spawned)', () => {
  it('runs the built-in demo with no flags: exit 0, a summary, a parsable run directory', () => {
    const cwd = tmp();
    const r = gclip(['train'], { cwd });
    expect(r.code).toBe(0);
    const out = stripAnsi(r.stdout);
    expect(out).toMatch(/steps\s+│\s+200/);
    expect(out).toMatch(/backend\s+│\s+(wasm|cpu|node)/);
    expect(out).toContain('✔ stable');
    const dir = out.match(/run directory: (.+)/)![1]!.trim();
    expect(dir.startsWith(join(cwd, 'runs'))).toBe(true);
    const records = readJsonl(join(dir, 'steps.jsonl'));
    expect(records.map((x) => x.step)).toEqual([...Array(200).keys()]);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'ok', steps: 200, firstBadStep: null, runDir: dir });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ name: 'demo', clip: { kind: 'norm', maxNorm: 1 } });
    expect(stripAnsi(r.stderr)).toMatch(/^backend: (wasm|cpu|node)/m);
  });

  it('halts the exploding RNN without clipping: exit 1, names the first bad step and layer', () => {
    const out = join(tmp(), 'run');
    const r = gclip(['train', '--config', 'configs/exploding-rnn.yaml', '--out', out]);
    expect(r.code).toBe(1);
    expect(stripAnsi(r.stdout)).toMatch(/✖ (halted|unstable)[^\n]*\n {2}onset: step \d+ \([^)]*\), layer (rnn|head)/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('halted');
    expect(summary.firstBadStep).toBeGreaterThanOrEqual(0);
    // The run directory keeps every step up to the halt.
    expect(readJsonl(join(out, 'steps.jsonl')).length).toBe(summary.steps);
  });

  it('trains the exploding RNN stably with --clip-norm 1.0 (exit 0), --json prints only the summary', () => {
    const r = gclip(['train', '--config', 'configs/exploding-rnn.yaml', '--clip-norm', '1.0', '--json', '--quiet', '--out', join(tmp(), 'run')]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ status: 'ok', steps: 300, firstBadStep: null });
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['status', 'steps', 'finalLoss', 'firstBadStep', 'backend', 'runDir']));
    expect(summary.clipRate).toBeGreaterThan(0.5);
  });

  it('refuses to overwrite an earlier run and leaves it intact', () => {
    const out = join(tmp(), 'run');
    expect(gclip(['train', '--steps', '5', '--quiet', '--out', out]).code).toBe(0);
    const before = readFileSync(join(out, 'steps.jsonl'), 'utf8');
    const r = gclip(['train', '--steps', '7', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a run/);
    expect(r.stderr).toMatch(/--overwrite/);
    expect(readFileSync(join(out, 'steps.jsonl'), 'utf8')).toBe(before);
    expect(gclip(['train', '--steps', '7', '--quiet', '--overwrite', '--out', out]).code).toBe(0);
    expect(readJsonl(join(out, 'steps.jsonl'))).toHaveLength(7);
  });

  it.each([
    [['train', '--lr', 'abc'], /--lr/],
    [['train', '--clip-norm', '-1'], /--clip-norm/],
    [['train', '--clip-norm', '1', '--clip-value', '1'], /Conflicting flags/],
    [['train', '--config', 'nope.yaml'], /not found: nope\.yaml/],
    [['train', '--backend', 'gpu'], /--backend/],
    [['train', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['sweep', '--clip-norm', '1', '--out', '/nonexistent/sweep'], /--clip-norm cannot be used with gclip sweep/],
  ])('bad input %j exits 2 with a message and no stack trace', (args, message) => {
    const r = gclip(args);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.stdout).toBe('');
  });

  it('names the file and line of a bad config value', () => {
    const file = join(tmp(), 'bad.yaml');
    writeFileSync(file, 'train:\n  steps: 10\nclip:\n  kind: norm\n  maxNorm: -2\n');
    const r = gclip(['train', '--config', file]);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toContain('clip.maxNorm');
    expect(stripAnsi(r.stderr)).toContain(`${file}:5`);
  });

  it('documents the exit codes in --help', () => {
    const r = gclip(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:[\s\S]*0 +ok[\s\S]*1 +unstable[\s\S]*2 +bad usage[\s\S]*3 +internal/);
  });

  it('colours only when asked: FORCE_COLOR adds ANSI, NO_COLOR and --no-color remove it', () => {
    const args = ['train', '--steps', '3', '--quiet'];
    expect(gclip([...args, '--out', join(tmp(), 'a')], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(gclip([...args, '--out', join(tmp(), 'b')], { env: { NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(gclip(['--no-color', ...args, '--out', join(tmp(), 'c')], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });
});
