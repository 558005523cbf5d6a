/**
 * The sweep's "no clipping + rollback" candidate (`--rollback-row`, issue #17): its plan
 * and run config, its evidence next to the recommendation, and nothing changed without it.
 * The CLI case spawns bin/gclip.js (run `npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/schema.js';
import { buildSweepPlan, planTasks } from '../../src/sweep/grid.js';
import { parseSweepFlags } from '../../src/sweep/flags.js';
import type { SeedResult } from '../../src/sweep/metrics.js';
import { buildReport } from '../../src/sweep/report.js';
import { readJson } from '../helpers/run-files.js';
import { CLI, sweepWorkdir } from './helpers/sweep-cli.js';

const base = runConfigSchema.parse({ seed: 3, detect: { rollback: { lrScale: 0.25 } } });
const execution = { wallMs: 0, jobs: 1, ran: 0, cached: 0 };

/** A stable seed result with final loss `loss`. */
function seed(pointId: string, s: number, loss: number, o: Partial<SeedResult> = {}): SeedResult {
  return {
    pointId, seed: s, status: 'ok', stable: true, steps: 100, finalLoss: loss, bestLoss: loss, lossAuc: loss,
    clipRate: 0.5, spikes: 0, skipped: 0, firstBadStep: null, norms: null, reason: null, wallMs: 1, ...o,
  };
}

const unstable = { status: 'halted', stable: false, firstBadStep: 4 } as const;

describe('--rollback-row plan', () => {
  it('adds one unclipped row per lr column whose runs roll back on non-finite values and divergence', () => {
    const plan = buildSweepPlan(base, { thresholds: [1], seeds: 2, lrs: [0.01, 0.1], rollback: true });
    expect(plan.points.map((p) => p.id)).toEqual(['lr@0.01/baseline', 'lr@0.01/norm@1', 'lr@0.01/rollback', 'lr@0.1/baseline', 'lr@0.1/norm@1', 'lr@0.1/rollback']);
    const tasks = planTasks(plan);
    const row = tasks.find((t) => t.pointId === 'lr@0.1/rollback' && t.seed === 4)!;
    expect(row.config.clip.kind).toBe('none');
    expect(row.config.train.lr).toBe(0.1);
    expect([row.config.detect.nonfinite.action, row.config.detect.divergence.action]).toEqual(['rollback', 'rollback']);
    expect(row.config.detect.rollback.lrScale).toBe(0.25);
    // Every other row still halts (the sweep's early stop).
    for (const t of tasks.filter((x) => !x.pointId.endsWith('rollback'))) expect(t.config.detect.divergence.action).toBe('halt');
  });

  it('changes nothing without the flag', () => {
    expect(parseSweepFlags({}, 2).grid.rollback).toBe(false);
    expect(parseSweepFlags({ rollbackRow: true }, 2).grid.rollback).toBe(true);
    const off = buildSweepPlan(base, { thresholds: [1], seeds: 2 });
    expect(buildSweepPlan(base, { thresholds: [1], seeds: 2, rollback: false })).toEqual(off);
    expect(off.points.map((p) => p.id)).toEqual(['baseline', 'norm@1']);
  });
});

describe('--rollback-row report', () => {
  const plan = buildSweepPlan(base, { thresholds: [1], seeds: 2, rollback: true });
  const clipped = [seed('norm@1', 3, 0.2), seed('norm@1', 4, 0.2)];
  const baseline = [seed('baseline', 3, Number.NaN, unstable), seed('baseline', 4, Number.NaN, unstable)];

  it('reports the row next to the choice, compared seed by seed, without letting the rule pick it', () => {
    const rows = [seed('rollback', 3, 0.205, { rollbacks: 1, clipRate: 0 }), seed('rollback', 4, 0.15, { rollbacks: 2, clipRate: 0 })];
    const report = buildReport(plan, [...baseline, ...clipped, ...rows], execution);
    expect(report.points.at(-1)).toMatchObject({ id: 'rollback', strategy: 'none+rollback', stableSeeds: 2, rollbacks: 3 });
    expect(report.recommendation).toMatchObject({ status: 'clip', maxNorm: 1, pointId: 'norm@1', adaptive: null });
    expect(report.recommendation.rollback).toEqual([{ pointId: 'rollback', lr: null, stableSeeds: 2, seeds: 2, finalLoss: (0.205 + 0.15) / 2, rollbacks: 3, asGoodAsChosen: true }]);
    expect(report.recommendation.reason).toMatch(/No clipping \+ rollback: stable in 2\/2 seeds, final loss 0\.177, 3 rollback\(s\) over the seeds, within 5% of the recommended point in every seed\.$/);
    expect(report.grid.strategies).toEqual([]);
    // 0.23 in seed 3 is more than 5% above 0.2: not as good.
    const worse = buildReport(plan, [...baseline, ...clipped, seed('rollback', 3, 0.23), seed('rollback', 4, 0.15)], execution);
    expect(worse.recommendation.rollback![0]!.asGoodAsChosen).toBe(false);
  });

  it('leaves the recommendation as it was without the row', () => {
    const off = buildSweepPlan(base, { thresholds: [1], seeds: 2 });
    const report = buildReport(off, [...baseline, ...clipped], execution);
    expect(report.recommendation).not.toHaveProperty('rollback');
    expect(report.recommendation.reason).not.toMatch(/rollback/);
    expect(report.points.every((p) => !('rollbacks' in p))).toBe(true);
  });
});

describe('gclip sweep --rollback-row (CLI)', () => {
  it('trains the row: it recovers where the unclipped baseline halts, in the table and sweep.json', () => {
    const boom = 'name: boom\nmodel: { kind: rnn, units: 32, recurrentInit: { kind: orthogonal, scale: 2 } }\ndata: { kind: adding, seqLength: 30, samples: 512 }\ntrain: { steps: 60, optimizer: sgd, lr: 0.1 }\nbackend: wasm\n';
    const cwd = sweepWorkdir('gclip-sweep-rollback-', boom);
    const r = spawnSync(process.execPath, [CLI, 'sweep', '-c', 'boom.yaml', '--thresholds', '1', '--seeds', '1', '--jobs', '1', '--rollback-row', '--out', 'out'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/none \+ rollback +│ 1\/1 .*│ 0 \(\d+ rollbacks\)/);
    expect(r.stdout).toMatch(/No clipping \+ rollback: stable in 1\/1 seeds/);
    const report = readJson<{ points: { id: string; rollbacks: number }[]; recommendation: { rollback: unknown[] } }>(join(cwd, 'out', 'sweep.json'));
    const row = report.points.find((p) => p.id === 'rollback')!;
    expect(row).toMatchObject({ strategy: 'none+rollback', threshold: null, stableSeeds: 1, skipped: 0 });
    expect(row.rollbacks).toBeGreaterThan(0);
    expect(report.points.find((p) => p.id === 'baseline')).toMatchObject({ stableSeeds: 0 });
    expect(report.recommendation.rollback[0]).toMatchObject({ pointId: 'rollback', stableSeeds: 1, rollbacks: row.rollbacks });
  }, 300_000);
});
