/**
 * `gclip train` with adagc, update-clip and ZClip's percentile mode, and `gclip sweep
 * --strategies adagc,update-clip`, through the real binary: exit codes, and the threshold /
 * coef rules each writes into steps.jsonl. Needs `npm run build` first (`npm test` runs it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectZClipRecords } from '../helpers/zclip-records.js';
import { decodeRecord } from '../../src/log/codec.js';
import type { StepRecord } from '../../src/record.js';
import { gclip } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'gclip-adaptive-'));
const DEMO = ['-c', 'configs/demo.yaml', '--steps', '30', '--backend', 'wasm', '--json', '--quiet'];

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `gclip train ...` into a fresh run directory; its exit code, stderr and records. */
function train(name: string, args: readonly string[]): { code: number | null; stderr: string; records: StepRecord[]; dir: string } {
  const dir = join(tmp, name);
  const r = gclip(['train', ...DEMO, ...args, '--out', dir]);
  const file = join(dir, 'steps.jsonl');
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  return { code: r.code, stderr: r.stderr, records: text === '' ? [] : text.split('\n').map(decodeRecord), dir };
}

describe.concurrent('new strategies through gclip train', () => {
  it('adagc: the warm-up clips globally at λ_abs, then each tensor against its own EMA', () => {
    const run = train('adagc', ['--clip', 'adagc', '--adagc-warmup-steps', '10', '--adagc-max-norm', '0.8']);
    expect(run.code).toBe(0);
    expect(run.records).toHaveLength(30);
    for (const r of run.records.slice(0, 10)) {
      // The reference's warm-up: coef = 0.8/(N + 1e-6) when below 1, else 1 (float32 in-graph).
      expect(r.threshold).toBe(Math.fround(0.8));
      const expected = 0.8 / (r.preClipNorm + 1e-6);
      expect(r.clipCoef).toBeCloseTo(expected < 1 ? expected : 1, 6);
    }
    for (const r of run.records.slice(10)) {
      expect(Number.isFinite(r.threshold!) && r.threshold! > 0).toBe(true);
      expect(r.postClipNorm).toBeLessThanOrEqual(r.threshold! * (1 + 1e-5));
      expect(r.clipped).toBe(r.clipCoef < 1);
    }
    expect(run.records.slice(10).some((r) => r.clipped)).toBe(true);
  });

  it('update-clip: gradients untouched, step 0 never clipped, the smallest lr factor logged', () => {
    const run = train('update-clip', ['--clip', 'update-clip']);
    expect(run.code).toBe(0);
    for (const r of run.records) {
      expect(r.postClipNorm).toBe(r.preClipNorm);
      expect(r.threshold).toBe(1);
      expect(r.clipCoef).toBeGreaterThan(0);
      expect(r.clipCoef).toBeLessThanOrEqual(1);
    }
    expect([run.records[0]!.clipCoef, run.records[0]!.clipped]).toEqual([1, false]);
    expect(run.records.some((r) => r.clipped)).toBe(true);
  });

  it('update-clip with SGD: exit 2, the reason and the fix, and no run directory', () => {
    const run = train('update-clip-sgd', ['--clip', 'update-clip', '--optimizer', 'sgd']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("clip kind 'update-clip' scales Adam's update and needs train.optimizer adam, received 'sgd'");
    expect(run.stderr).toContain('Use --optimizer adam');
    expect(existsSync(run.dir)).toBe(false);
  });

  it('zclip --zclip-mode percentile: the band μ + z·σ on float64 EMAs after the warm-up', () => {
    // A fast EMA (α 0.5) and a narrow band (z 0.1), so that the demo's falling norms still cross it.
    const run = train('zclip-percentile', ['--zclip-mode', 'percentile', '--zclip-warmup-steps', '5', '--zclip-z-threshold', '0.1', '--zclip-alpha', '0.5']);
    expect(run.code).toBe(0);
    expectZClipRecords(run.records, { mode: 'percentile', warmupSteps: 5, zThreshold: 0.1, alpha: 0.5 }, 4);
    expect(run.records.some((r) => r.clipped)).toBe(true);
  });
});

describe('gclip sweep --strategies adagc,update-clip', () => {
  it('runs both rows on every seed and reports them', () => {
    const out = join(tmp, 'sweep');
    const r = gclip(['sweep', '-c', 'configs/demo.yaml', '--steps', '20', '--thresholds', '1', '--seeds', '1', '--strategies', 'adagc,update-clip', '--backend', 'wasm', '--jobs', '1', '--json', '--out', out]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { points: { id: string; runs: { status: string; steps: number }[] }[] };
    expect(report.points.map((p) => p.id)).toEqual(['baseline', 'norm@1', 'adagc', 'update-clip']);
    for (const p of report.points) expect(p.runs.map((x) => [x.status, x.steps])).toEqual([['ok', 20]]);
  });

  it('refuses update-clip on an SGD config with exit 2 before running anything', () => {
    const r = gclip(['sweep', '-c', 'configs/exploding-rnn.yaml', '--strategies', 'update-clip', '--json', '--out', join(tmp, 'sweep-sgd')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--strategies update-clip');
    expect(existsSync(join(tmp, 'sweep-sgd', 'sweep.json'))).toBe(false);
  });
});
