/**
 * A reader that leaves early never loses the run: `gclip … 2>&1 | head -n 1` closes the pipe
 * after one line, every later write fails with EPIPE, and train, check and sweep still run
 * to their normal end, write their files and return their own exit code (src/cli/stdio.ts,
 * docs/checkpoints.md). Real shell pipes; spawns bin/gclip.js (run `npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNumbers } from '../../src/log/codec.js';
import { TINY } from '../sweep/helpers/sweep-cli.js';

const BIN = fileURLToPath(new URL('../../bin/gclip.js', import.meta.url));

/** A stable run that prints a progress line every step, so most writes come after `head` left. */
const CHATTY = `${TINY.replace('steps: 30', 'steps: 120')}log: { every: 1 }\n`;

interface Piped { code: number; head: string; dir: string }

/**
 * Runs `gclip args` in a fresh folder holding `tiny.yaml`, stdout and stderr into
 * `head -n 1`; returns gclip's own exit code (bash's PIPESTATUS) and what head printed.
 */
function pipedIntoHead(args: readonly string[], extraConfig = ''): Piped {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-pipes-'));
  writeFileSync(join(dir, 'tiny.yaml'), CHATTY + extraConfig);
  const script = '"$@" 2>&1 | head -n 1; echo "gclip exit ${PIPESTATUS[0]}" >&2';
  const r = spawnSync('bash', ['-c', script, 'bash', process.execPath, BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  const code = /gclip exit (\d+)/.exec(r.stderr)?.[1];
  if (code === undefined) throw new Error(`bash did not report gclip's exit code: ${r.stderr}`);
  return { code: Number(code), head: r.stdout, dir };
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'), decodeNumbers) as Record<string, unknown>;

describe('stdout and stderr closed by a reader that left (EPIPE)', () => {
  it('train keeps training: exit 0, summary.json ok after every step, steps.jsonl complete', () => {
    const r = pipedIntoHead(['train', '--config', 'tiny.yaml', '--out', 'run']);
    expect(r.head).toMatch(/^backend: /);
    expect(r.code).toBe(0);
    expect(json(join(r.dir, 'run', 'summary.json'))).toMatchObject({ status: 'ok', steps: 120 });
    const lines = readFileSync(join(r.dir, 'run', 'steps.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(120);
    expect(JSON.parse(lines[119]!)).toMatchObject({ step: 119 });
  }, 300_000);

  it('check gives its real verdict: exit 0 and a complete JUnit file', () => {
    const r = pipedIntoHead(['check', '--config', 'tiny.yaml', '--junit', 'ck.xml']);
    expect(r.code).toBe(0);
    const junit = readFileSync(join(r.dir, 'ck.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite [^>]*failures="0"/);
    expect(junit).toContain('</testsuites>');
  }, 300_000);

  it('a failing check still fails (exit 1), whatever the pipe did', () => {
    const r = pipedIntoHead(['check', '--config', 'tiny.yaml', '--junit', 'ck.xml'], 'check: { lossRatio: 1.0e-9 }\n');
    expect(r.code).toBe(1);
    expect(readFileSync(join(r.dir, 'ck.xml'), 'utf8')).toMatch(/<testsuite [^>]*failures="1"/);
  }, 300_000);

  it('sweep runs every point and writes sweep.json', () => {
    const r = pipedIntoHead(['sweep', '-c', 'tiny.yaml', '--thresholds', '0.5,2', '--seeds', '2', '--jobs', '1', '--out', 'sw']);
    expect(r.code).toBe(0);
    const sweep = json(join(r.dir, 'sw', 'sweep.json'));
    expect(sweep.points).toHaveLength(3);
    expect(sweep.execution).toMatchObject({ ran: 6, cached: 0 });
  }, 300_000);
});
