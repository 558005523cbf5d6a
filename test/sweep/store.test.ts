import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/schema.js';
import { writeCached } from '../../src/sweep/cache.js';
import { buildSweepPlan } from '../../src/sweep/grid.js';
import { crashedResult } from '../../src/sweep/metrics.js';
import { storeStatus } from '../../src/sweep/status.js';
import { storeSource } from '../../src/sweep/store-source.js';
import { claimTask, initStore, storeTasks } from '../../src/sweep/store.js';

const SETTINGS = { prune: false, leaseMs: 10_000, pointTimeoutMs: null };
const plan = () => buildSweepPlan(runConfigSchema.parse({ name: 'st' }), { thresholds: [0.5, 2], seeds: 2 });
const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-store-'));

describe('sweep store', () => {
  it('claims a task once: a second claim loses while the lease is live, and reclaims it once expired', async () => {
    const store = await initStore(tmp(), plan(), SETTINGS);
    const key = storeTasks(store.plan)[0]!.key;
    const t0 = 1_000_000_000_000;
    expect(await claimTask(store, key, 'a:1', () => t0)).toBe(true);
    const lease = join(store.dir, 'leases', key);
    utimesSync(lease, new Date(t0), new Date(t0));
    expect(await claimTask(store, key, 'b:2', () => t0 + 9_000)).toBe(false);
    expect(readFileSync(lease, 'utf8')).toBe('a:1\n');
    expect(await claimTask(store, key, 'b:2', () => t0 + 11_000)).toBe(true);
    expect(readFileSync(lease, 'utf8')).toBe('b:2\n');
  });

  it('a worker takes the task of a stale lease (its worker died) and skips live ones and finished ones', async () => {
    const store = await initStore(tmp(), plan(), SETTINGS);
    const [first, second, third] = storeTasks(store.plan);
    const now = 2_000_000_000_000;
    writeFileSync(join(store.dir, 'leases', first!.key), 'dead:1\n');
    utimesSync(join(store.dir, 'leases', first!.key), new Date(now - 60_000), new Date(now - 60_000));
    writeFileSync(join(store.dir, 'leases', second!.key), 'alive:2\n');
    utimesSync(join(store.dir, 'leases', second!.key), new Date(now - 1_000), new Date(now - 1_000));
    const source = storeSource(store, { owner: 'me:3', now: () => now, pollMs: 10 });
    expect((await source.take())?.pointId).toBe(first!.pointId);
    expect(readFileSync(join(store.dir, 'leases', first!.key), 'utf8')).toBe('me:3\n');
    expect(await source.take()).toMatchObject({ pointId: third!.pointId, seed: third!.seed });
    await source.stop();
    expect(existsSync(join(store.dir, 'leases', first!.key))).toBe(false);
  });

  it('refuses a store that holds another sweep', async () => {
    const dir = tmp();
    await initStore(dir, plan(), SETTINGS);
    await expect(initStore(dir, plan(), { ...SETTINGS, prune: true })).rejects.toMatchObject({ code: 'store_mismatch' });
    const other = buildSweepPlan(runConfigSchema.parse({ name: 'st' }), { thresholds: [0.5, 3], seeds: 2 });
    await expect(initStore(dir, other, SETTINGS)).rejects.toMatchObject({ code: 'store_mismatch' });
  });

  it('status of a half-done store: done, running, stale and left per cell', async () => {
    const store = await initStore(tmp(), plan(), SETTINGS);
    const tasks = storeTasks(store.plan); // run order: norm@0.5 ×2, norm@2 ×2, baseline ×2
    const now = 3_000_000_000_000;
    const ok = (i: number) => ({ ...crashedResult(tasks[i]!, '', 1), status: 'ok' as const, stable: true, finalLoss: 0.5 });
    await writeCached(store.dir, tasks[0]!.key, ok(0));
    await writeCached(store.dir, tasks[1]!.key, ok(1));
    await writeCached(store.dir, tasks[2]!.key, crashedResult(tasks[2]!, 'boom', 1));
    writeFileSync(join(store.dir, 'leases', tasks[3]!.key), 'w1:7\n');
    utimesSync(join(store.dir, 'leases', tasks[3]!.key), new Date(now - 2_000), new Date(now - 2_000));
    writeFileSync(join(store.dir, 'leases', tasks[4]!.key), 'w2:8\n');
    utimesSync(join(store.dir, 'leases', tasks[4]!.key), new Date(now - 20_000), new Date(now - 20_000));
    const s = await storeStatus(store.dir, () => now);
    expect(s).toMatchObject({ name: 'st', total: 6, done: 3, running: 1, stale: 1, left: 1, failed: 1, pruned: 0, workers: ['w1:7'] });
    expect(s.cells.map((c) => [c.id, c.done, c.running, c.stale, c.left, c.failed])).toEqual([
      ['baseline', 0, 0, 1, 1, 0],
      ['norm@0.5', 2, 0, 0, 0, 0],
      ['norm@2', 1, 1, 0, 0, 1],
    ]);
  });
});
