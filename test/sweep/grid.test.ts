import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/schema.js';
import { buildSweepPlan, DEFAULT_THRESHOLDS, gridThresholds, logRange, parseRange, parseThresholds, planTasks, runOrder } from '../../src/sweep/grid.js';
import { parseSweepFlags } from '../../src/sweep/flags.js';
import { parseShard, shardItems } from '../../src/sweep/shard.js';
import { taskKey } from '../../src/sweep/cache.js';

const base = runConfigSchema.parse({ seed: 7, detect: { divergence: { action: 'warn' } }, log: { out: 'x' } });

describe('grid', () => {
  it('defaults to round log-spaced values covering 0.1 to 5', () => {
    expect(gridThresholds({})).toEqual([0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5]);
    expect(DEFAULT_THRESHOLDS.length).toBeGreaterThanOrEqual(8);
  });

  it('log-spaces a range and rounds to 2 significant digits', () => {
    // 0.1·(100)^(i/4): 0.1, 0.316, 1, 3.16, 10 → rounded.
    expect(logRange(0.1, 10, 5)).toEqual([0.1, 0.32, 1, 3.2, 10]);
    expect(logRange(1, 1.05, 5)).toEqual([1, 1.1]); // duplicates from rounding dropped
  });

  it('parses --thresholds and --range, rejecting bad values with the flag named', () => {
    expect(parseThresholds('2, 0.5,1')).toEqual([2, 0.5, 1]);
    expect(() => parseThresholds('1,-2')).toThrow(/--thresholds/);
    expect(parseRange('0.1:5', 4)).toEqual({ from: 0.1, to: 5, points: 4 });
    expect(() => parseRange('5:0.1')).toThrow(/--range/);
    expect(() => parseSweepFlags({ thresholds: '1', range: '0.1:1' }, 2)).toThrow(/Conflicting/);
    expect(parseSweepFlags({}, 2)).toMatchObject({ jobs: 2, shard: null });
    expect(() => parseSweepFlags({ jobs: '0' }, 2)).toThrow(/--jobs/);
  });

  it('parses the lr axis, the store and --point-timeout, naming the flag on bad values', () => {
    expect(parseSweepFlags({ lrs: '0.1,0.01' }, 2).grid.lrs).toEqual([0.1, 0.01]);
    expect(parseSweepFlags({ lrRange: '0.001:0.1', lrPoints: '3' }, 2).grid.lrRange).toEqual({ from: 0.001, to: 0.1, points: 3 });
    expect(() => parseSweepFlags({ lrs: '0.1,x' }, 2)).toThrow(/Invalid --lrs: expected comma-separated numbers > 0/);
    expect(() => parseSweepFlags({ lrRange: '1:0.1' }, 2)).toThrow(/Invalid --lr-range/);
    expect(() => parseSweepFlags({ lrRange: '0.01:1', lrPoints: '1' }, 2)).toThrow(/--lr-points/);
    expect(() => parseSweepFlags({ lrs: '0.1', lrRange: '0.01:1' }, 2)).toThrow(/Conflicting flags --lrs and --lr-range/);
    expect(() => parseSweepFlags({ pointTimeout: '0' }, 2)).toThrow(/--point-timeout/);
    expect(parseSweepFlags({ pointTimeout: '2.5' }, 2).pointTimeoutMs).toBe(2500);
    expect(parseSweepFlags({ store: 's', prune: true, lease: '5', pointTimeout: '9' }, 2).store).toEqual({ dir: 's', settings: { prune: true, leaseMs: 5000, pointTimeoutMs: 9000 } });
  });

  it('an lr axis crosses every lr with the baseline and thresholds and sets train.lr per task', () => {
    const plan = buildSweepPlan(base, { thresholds: [0.5], seeds: 1, lrs: [0.1, 0.01] });
    expect(plan.lrs).toEqual([0.01, 0.1]);
    expect(plan.points.map((p) => p.id)).toEqual(['lr@0.01/baseline', 'lr@0.01/norm@0.5', 'lr@0.1/baseline', 'lr@0.1/norm@0.5']);
    expect(planTasks(plan).map((t) => [t.config.train.lr, t.config.clip.kind])).toEqual([[0.01, 'none'], [0.01, 'norm'], [0.1, 'none'], [0.1, 'norm']]);
    expect(runOrder(planTasks(plan)).map((t) => t.pointId).slice(-2)).toEqual(['lr@0.01/baseline', 'lr@0.1/baseline']);
  });

  it('plans baseline first, thresholds ascending, seeds from the config seed', () => {
    const plan = buildSweepPlan(base, { thresholds: [2, 0.5], seeds: 2 });
    expect(plan.points.map((p) => p.id)).toEqual(['baseline', 'norm@0.5', 'norm@2']);
    expect(plan.seeds).toEqual([7, 8]);
    const tasks = planTasks(plan);
    expect(tasks.map((t) => `${t.pointId}/${t.seed}`)).toEqual(['baseline/7', 'baseline/8', 'norm@0.5/7', 'norm@0.5/8', 'norm@2/7', 'norm@2/8']);
    expect(tasks[0]!.config.clip).toEqual({ kind: 'none', normType: 2 });
    expect(tasks[2]!.config.clip).toMatchObject({ kind: 'norm', maxNorm: 0.5, normType: 2 });
  });

  it('runs the baseline last, everything else in plan order', () => {
    const tasks = runOrder(planTasks(buildSweepPlan(base, { thresholds: [2, 0.5], seeds: 2, strategies: ['autoclip'] })));
    expect(tasks.map((t) => `${t.pointId}/${t.seed}`)).toEqual(['norm@0.5/7', 'norm@0.5/8', 'norm@2/7', 'norm@2/8', 'autoclip/7', 'autoclip/8', 'baseline/7', 'baseline/8']);
  });

  it('forces early stop on instability and drops the run directory', () => {
    const plan = buildSweepPlan(base, {});
    expect(plan.base.detect.divergence.action).toBe('halt');
    expect(plan.base.detect.nonfinite.action).toBe('halt');
    expect(plan.base.log.out).toBeUndefined();
  });

  it('tasks of one seed differ only in their clip block (same data, weights and batches)', () => {
    const [a, b] = planTasks(buildSweepPlan(base, { thresholds: [1], seeds: 1 }));
    expect({ ...a!.config, clip: null }).toEqual({ ...b!.config, clip: null });
    expect(taskKey(a!.config)).not.toBe(taskKey(b!.config));
  });

  it('rejects an unknown adaptive strategy with the kinds this build has', () => {
    expect(() => buildSweepPlan(base, { strategies: ['autoclip', 'nope'] })).toThrow(/Unknown strategy 'nope'/);
  });

  it('adds adagc and update-clip rows, and refuses update-clip when the base optimizer is not Adam', () => {
    const ids = buildSweepPlan(base, { thresholds: [1], strategies: ['adagc', 'update-clip'] }).points.map((p) => p.id);
    expect(ids).toEqual(['baseline', 'norm@1', 'adagc', 'update-clip']);
    const sgd = runConfigSchema.parse({ train: { optimizer: 'sgd' } });
    expect(() => buildSweepPlan(sgd, { strategies: ['update-clip'] })).toThrow(/--strategies update-clip: clip kind 'update-clip' scales Adam's update and needs train.optimizer adam, received 'sgd'/);
  });

  it('shards deal tasks round-robin; the shards together are the whole list, disjoint', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const shards = [1, 2, 3].map((i) => shardItems(items, parseShard(`${i}/3`)));
    expect(shards).toEqual([[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
    expect(() => parseShard('0/3')).toThrow(/1 ≤ I ≤ N/);
    expect(() => parseShard('4/3')).toThrow(/--shard/);
  });
});
