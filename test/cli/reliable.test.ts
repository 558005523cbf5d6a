/**
 * Never lose a run (issue #17): checkpoints and --resume give the uninterrupted run's
 * bytes, SIGINT/SIGTERM end train and check honestly, rollback finishes the exploding RNN.
 * Spawns bin/gclip.js (run `npm run build` first).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLog } from '../../src/log/read.js';
import { gclip, ROOT } from '../helpers/cli.js';
import { withoutWallClock } from '../helpers/wall-clock.js';
import { TINY } from '../sweep/helpers/sweep-cli.js';

const BIN = fileURLToPath(new URL('../../bin/gclip.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-reliable-'));


const read = (dir: string, file: string) => withoutWallClock(readFileSync(join(dir, file), 'utf8'));

/** Points the manifest at the checkpoint of `step` and forgets the end: the run as if it had been killed after that checkpoint. */
function cutBackTo(dir: string, step: number): void {
  const name = `step-${String(step).padStart(8, '0')}`;
  writeFileSync(join(dir, 'checkpoints', 'manifest.json'), JSON.stringify({ format: 'gclip-checkpoint/1', complete: [{ step, dir: name }] }));
  rmSync(join(dir, 'summary.json'));
}

/** Spawns gclip; resolves with the exit code once `until()` holds and `signal` was sent (or the process ended). */
function runUntil(args: string[], cwd: string, until: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    const poll = setInterval(() => {
      if (until()) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 20);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolve({ code: code ?? (sig === 'SIGKILL' ? 137 : null), stdout });
    });
  });
}

const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

describe.each(['wasm', 'cpu'])('--resume on %s', (backend) => {
  it('continues from checkpoints at 3 different steps to the uninterrupted run\'s bytes', () => {
    const root = tmp();
    writeFileSync(join(root, 'cfg.yaml'), readFileSync(join(ROOT, 'configs/demo.yaml'), 'utf8') + '\ncheckpoint:\n  every: 10\n  keep: 10\n');
    const full = join(root, 'full');
    expect(gclip(['train', '--config', 'cfg.yaml', '--steps', '60', '--backend', backend, '--quiet', '--out', full], { cwd: root }).code).toBe(0);
    for (const step of [10, 30, 50]) {
      const dir = join(root, `cut-${step}`);
      cpSync(full, dir, { recursive: true });
      cutBackTo(dir, step);
      const r = gclip(['train', '--resume', dir, '--backend', backend, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      expect(read(dir, 'steps.jsonl')).toBe(read(full, 'steps.jsonl'));
      expect(read(dir, 'summary.json')).toBe(read(full, 'summary.json'));
    }
  }, 300_000);
});

describe('--resume refusals', () => {
  it('refuses a changed config (exit 2) unless --force, says when there is no checkpoint, and is a no-op on a finished run', () => {
    const dir = join(tmp(), 'run');
    expect(gclip(['train', '--steps', '20', '--backend', 'wasm', '--checkpoint-every', '10', '--quiet', '--out', dir]).code).toBe(0);
    const done = gclip(['train', '--resume', dir, '--quiet']);
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('already finished (status ok after 20 steps); nothing to resume');
    cutBackTo(dir, 10);
    const changed = gclip(['train', '--resume', dir, '--lr', '0.5', '--backend', 'wasm', '--quiet']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('the config differs');
    const backend = gclip(['train', '--resume', dir, '--backend', 'cpu', '--quiet']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('the backend is cpu');
    expect(gclip(['train', '--resume', dir, '--backend', 'cpu', '--force', '--quiet']).code).toBe(0);
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    rmSync(join(dir, 'summary.json'));
    const none = gclip(['train', '--resume', dir, '--quiet']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no complete checkpoint');
  }, 300_000);
});

describe('signals', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s stops train as interrupted (exit %i) with a checkpoint that resumes to the full run', async (signal, code) => {
    const root = tmp();
    const args = ['train', '--steps', '400', '--backend', 'wasm', '--quiet', '--json'];
    expect(gclip([...args, '--out', join(root, 'full')]).code).toBe(0);
    const dir = join(root, 'cut');
    const r = await runUntil([...args, '--out', dir], root, () => lines(join(dir, 'steps.jsonl')) >= 30, signal);
    expect(r.code).toBe(code);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('interrupted');
    expect(summary.reason).toContain(`interrupted by ${signal}`);
    expect(existsSync(join(dir, 'checkpoints', 'manifest.json'))).toBe(true);
    expect(gclip(['train', '--resume', dir, '--backend', 'wasm', '--quiet']).code).toBe(0);
    expect(read(dir, 'steps.jsonl')).toBe(read(join(root, 'full'), 'steps.jsonl'));
    expect(read(dir, 'summary.json')).toBe(read(join(root, 'full'), 'summary.json'));
  }, 300_000);

  it('SIGTERM on check is never a pass: exit 143, passed false, a failing JUnit case', async () => {
    const root = tmp();
    const progress = join(root, 'progress');
    const r = await runUntil(
      ['check', '--config', join(ROOT, 'configs/ci-check.yaml'), '--steps', '1000000', '--junit', 'ck.xml', '--json', '--out', progress],
      root,
      () => lines(join(progress, 'steps.jsonl')) >= 20,
      'SIGTERM',
    );
    expect(r.code).toBe(143);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.passed).toBe(false);
    expect(verdict.criteria.at(-1)).toMatchObject({ name: 'completed', passed: false, bound: 1000000 });
    const junit = readFileSync(join(root, 'ck.xml'), 'utf8');
    expect(junit).toMatch(/failures="[1-9]/);
    expect(junit).toContain('completed');
  }, 300_000);
});

describe('rollback', () => {
  it('finishes configs/exploding-rnn.yaml unclipped with rollback on nonfinite and divergence, lrScale 0.5', () => {
    const root = tmp();
    const config = readFileSync(join(ROOT, 'configs/exploding-rnn.yaml'), 'utf8').replace(
      /detect:\n {2}nonfinite:\n {4}action: halt[^\n]*/,
      'detect:\n  nonfinite:\n    action: rollback\n  divergence:\n    action: rollback\n  rollback:\n    lrScale: 0.5',
    );
    expect(config).toContain('action: rollback');
    writeFileSync(join(root, 'rb.yaml'), config);
    const r = gclip(['train', '--config', 'rb.yaml', '--out', 'run', '--backend', 'wasm', '--quiet', '--json'], { cwd: root });
    expect(r.code, r.stdout).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ status: 'ok', steps: 300 });
    expect(summary.events.rollback).toBeGreaterThan(0);
    const { records } = parseLog(readFileSync(join(root, 'run', 'steps.jsonl'), 'utf8'), 'steps.jsonl');
    const rollbacks = records.flatMap((x) => x.events.filter((e) => e.kind === 'rollback'));
    expect(rollbacks.length).toBe(summary.events.rollback);
    expect(rollbacks.map((e) => (e.kind === 'rollback' ? e.lr : 0))).toEqual(rollbacks.map((_, i) => 0.1 * 0.5 ** (i + 1)));
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    // Rollbacks are counted on their own, never as skipped steps.
    expect(summary).toMatchObject({ skippedSteps: 0, rollbacks: rollbacks.length });
    // check judges them by maxRollbacks: the answered divergences are left to that bound.
    // The gradient spikes around the rollbacks are warnings of their own (maxSpikes), not judged here.
    writeFileSync(join(root, 'ck.yaml'), `check:\n  maxSpikes: null\n  maxRollbacks: ${rollbacks.length}\n`);
    const pass = gclip(['check', '--log', 'run/steps.jsonl', '--config', 'ck.yaml', '--json'], { cwd: root });
    expect(pass.code, pass.stdout).toBe(0);
    const verdict = JSON.parse(pass.stdout);
    expect(verdict.criteria.find((c: { name: string }) => c.name === 'skipped')).toMatchObject({ passed: true, value: 0 });
    expect(verdict.criteria.find((c: { name: string }) => c.name === 'rollbacks')).toMatchObject({ passed: true, value: rollbacks.length });
    // The replayed detectors restart where the run's did after each rollback: no divergence the run had undone.
    expect(verdict.criteria.find((c: { name: string }) => c.name === 'divergence')).toMatchObject({ passed: true, value: 0 });
    writeFileSync(join(root, 'ck.yaml'), `check:\n  maxSpikes: null\n  maxRollbacks: ${rollbacks.length - 1}\n`);
    expect(gclip(['check', '--log', 'run/steps.jsonl', '--config', 'ck.yaml'], { cwd: root }).code).toBe(1);
    // Drawn on both charts with their key.
    const report = gclip(['report', 'run', '--html', 'r.html'], { cwd: root });
    expect(report.stdout).toMatch(/↺/);
    expect(report.stdout).toContain('↺ rollback');
    expect(report.stdout).toMatch(/rollbacks +│ 2/);
    const html = readFileSync(join(root, 'r.html'), 'utf8');
    expect(html).toContain('↺ rollback (state restored, batches skipped)');
    expect(html).toMatch(/"kind":"rollback"/);
  }, 300_000);
});

describe('torn tails', () => {
  it('ignores a last line cut mid-write with one note naming file and line; any other bad line is exit-2', () => {
    const whole = '{"step":0,"loss":1,"preClipNorm":2}\n{"step":1,"loss":1,"preClipNorm":2}\n';
    const torn = parseLog(whole + '{"step":2,"lo', 'steps.jsonl');
    expect(torn.records.map((r) => r.step)).toEqual([0, 1]);
    expect(torn.notes).toEqual(['steps.jsonl: ignored line 3, cut mid-write (a torn last line)']);
    expect(() => parseLog('{"step":2,"lo\n' + whole, 'steps.jsonl')).toThrow(/line 1/);
    expect(parseLog(whole, 'steps.jsonl').notes).toEqual([]);
  });

  it('report (run dir and file), check --log and --resume each warn once, naming the file and the line', () => {
    const root = tmp();
    expect(gclip(['train', '--steps', '20', '--backend', 'wasm', '--checkpoint-every', '10', '--quiet', '--out', 'run'], { cwd: root }).code).toBe(0);
    const steps = join(root, 'run', 'steps.jsonl');
    writeFileSync(steps, readFileSync(steps, 'utf8') + '{"step":20,"lo');
    const note = (file: string) => `! ${file}: ignored line 21, cut mid-write (a torn last line)`;
    const once = (text: string, file: string) => expect(text.split(note(file)).length - 1, text).toBe(1);
    for (const target of ['run', 'run/steps.jsonl']) {
      const r = gclip(['report', target], { cwd: root });
      expect(r.code, r.stderr).toBe(0);
      once(r.stderr, 'run/steps.jsonl');
    }
    const check = gclip(['check', '--log', 'run/steps.jsonl'], { cwd: root });
    expect(check.code, check.stderr).toBe(0);
    once(check.stdout, 'run/steps.jsonl');
    rmSync(join(root, 'run', 'summary.json'));
    const resumed = gclip(['train', '--resume', 'run', '--backend', 'wasm', '--quiet'], { cwd: root });
    expect(resumed.code, resumed.stderr).toBe(0);
    once(resumed.stderr, steps);
    expect(readFileSync(steps, 'utf8').endsWith('}\n')).toBe(true);
    // Any other malformed line stays an exit-2 error.
    writeFileSync(steps, '{"step":0,"lo\n' + readFileSync(steps, 'utf8'));
    expect(gclip(['report', 'run'], { cwd: root }).code).toBe(2);
    expect(gclip(['check', '--log', 'run/steps.jsonl'], { cwd: root }).code).toBe(2);
  }, 300_000);

  it('sweep merge names a cache file cut mid-write (one JSON file per run, no lines) and counts its run missing, exit 2', () => {
    const root = tmp();
    writeFileSync(join(root, 'tiny.yaml'), TINY);
    expect(gclip(['sweep', '-c', 'tiny.yaml', '--thresholds', '1', '--seeds', '1', '--jobs', '1', '--quiet', '--out', 'a'], { cwd: root }).code).toBe(0);
    const [first] = readdirSync(join(root, 'a', 'cache'));
    const file = join(root, 'a', 'cache', first!);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length >> 1));
    const r = gclip(['sweep', 'merge', 'a', '--out', 'm'], { cwd: root });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('1 of 2 runs have no result');
    expect(r.stderr).toContain(`ignored as cut mid-write or damaged: ${file}`);
  }, 300_000);
});
