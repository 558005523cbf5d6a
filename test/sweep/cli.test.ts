import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNumbers } from '../../src/log/codec.js';
import { readJson, withoutTimings } from '../helpers/run-files.js';
import { CLI, sweepWorkdir, type Ran } from './helpers/sweep-cli.js';

/** Explodes within ~15 steps at any threshold ≥ 50: every run halts early. */
const EXPLODING = `name: boom
model: { kind: rnn, units: 32, recurrentInit: { kind: orthogonal, scale: 2 } }
data: { kind: adding, seqLength: 30, samples: 512 }
train: { steps: 40, optimizer: sgd, lr: 0.1 }
backend: wasm
`;

function workdir(): string {
  return sweepWorkdir('gclip-sweep-', EXPLODING);
}

function gclip(cwd: string, args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const GRID = ['--thresholds', '0.5,2', '--seeds', '2'];

describe('gclip sweep (CLI)', () => {
  it('prints the report as JSON with a recommendation and one row per point, exit 0', async () => {
    const cwd = workdir();
    const r = await gclip(cwd, ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '2', '--json', '--out', 'out']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout, decodeNumbers);
    expect(json.recommendation).toHaveProperty('reason');
    expect(json.recommendation.maxNorm === null || typeof json.recommendation.maxNorm === 'number').toBe(true);
    expect(json.points.map((p: { threshold: number | null }) => p.threshold)).toEqual([null, 0.5, 2]);
    for (const p of json.points) {
      expect(p).toMatchObject({ seeds: 2, stableSeeds: 2 });
      expect(['none', 'norm']).toContain(p.strategy);
      expect(typeof p.finalLoss).toBe('number');
      expect(typeof p.clipRate).toBe('number');
    }
    expect(withoutTimings(readJson(join(cwd, 'out', 'sweep.json')))).toEqual(withoutTimings(json));
    expect(r.stderr).toMatch(/sweep: 6\/6 runs done, 0 running, 0 left/);
  });

  it('exits 1 with maxNorm null when no threshold is stable, and prints the table otherwise', async () => {
    const cwd = workdir();
    const r = await gclip(cwd, ['sweep', '-c', 'boom.yaml', '--thresholds', '50,100', '--seeds', '2', '--out', 'out']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/none \(baseline\)\s+│ 0\/2/);
    expect(r.stdout).toMatch(/no threshold was stable in every seed \(max_norm: null\)/);
    expect(r.stdout).toMatch(/Lower the learning rate/);
    const report = readJson(join(cwd, 'out', 'sweep.json')) as { recommendation: { maxNorm: unknown; status: string } };
    expect(report.recommendation).toMatchObject({ maxNorm: null, status: 'none_stable' });
  });

  it('merged shards give the unsharded sweep.json (timings aside)', async () => {
    const cwd = workdir();
    const whole = await gclip(cwd, ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '2', '--out', 'whole', '-q']);
    expect(whole.code, whole.stderr).toBe(0);
    for (const i of [1, 2, 3]) {
      const s = await gclip(cwd, ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '1', '--shard', `${i}/3`, '--out', `shard${i}`, '-q']);
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).toMatch(new RegExp(`shard ${i}/3: 2 runs done`));
    }
    const incomplete = await gclip(cwd, ['sweep', 'merge', 'shard1', 'shard2', '--out', 'merged']);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/2 of 6 runs have no result/);
    const merged = await gclip(cwd, ['sweep', 'merge', 'shard1', 'shard2', 'shard3', '--out', 'merged', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(withoutTimings(readJson(join(cwd, 'merged', 'sweep.json')))).toEqual(withoutTimings(readJson(join(cwd, 'whole', 'sweep.json'))));
  });

  it('a killed sweep resumes without recomputing finished runs', async () => {
    const cwd = workdir();
    const args = ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '1', '--out', 'out'];
    const cacheDir = join(cwd, 'out', 'cache');
    const killed = await gclip(cwd, args, (text, kill) => {
      if (/sweep: 3\/6 runs done/.test(text)) kill();
    });
    expect(killed.code).not.toBe(0);
    const before = new Map(readdirSync(cacheDir).map((f) => [f, statSync(join(cacheDir, f)).mtimeMs]));
    expect(before.size).toBeGreaterThanOrEqual(3);
    expect(before.size).toBeLessThan(6);
    const resumed = await gclip(cwd, [...args, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout, decodeNumbers) as { execution: { cached: number; ran: number } };
    expect(report.execution).toMatchObject({ cached: before.size, ran: 6 - before.size });
    for (const [file, mtime] of before) expect(statSync(join(cacheDir, file)).mtimeMs).toBe(mtime);
    const fresh = await gclip(cwd, [...args, '--json', '--fresh']);
    expect(JSON.parse(fresh.stdout, decodeNumbers).execution).toMatchObject({ cached: 0, ran: 6 });
    expect(withoutTimings(JSON.parse(fresh.stdout, decodeNumbers))).toEqual(withoutTimings(report as never));
  });
});
