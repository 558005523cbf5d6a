/**
 * The shared store of `gclip sweep --store DIR`: a directory any number of workers can
 * reach (a shared volume, NFS, a CI cache) holding the plan, one result per task and one
 * lease per running task. Workers are identical; each claims the next task without a
 * result by creating its lease file exclusively (`open(..., 'wx')`: exactly one creator
 * wins, also over NFSv3+), renews the lease (its mtime) while the run goes, writes the
 * result atomically and removes the lease. A lease not renewed for `leaseMs` belongs to a
 * dead worker: the first worker to rename it away reclaims the task. Lease ages compare
 * file mtimes with this machine's clock, so the machines' clocks must agree to well
 * within `leaseMs` (NTP does that).
 *
 * Layout: `plan.json` (the plan and the queue settings), `cache/<key>.json` (results, as
 * in a single-machine sweep, so `sweep report` and `merge` read them), `leases/<key>`.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { decodeNumbers, stringifyWithNonFinite } from '../log/codec.js';
import { canonicalJson, readCached, taskKey } from './cache.js';
import { planTasks, runOrder, type SweepPlan, type SweepTask } from './grid.js';
import type { SeedResult } from './metrics.js';

/** How the workers of one store behave; fixed when the store is created, so every worker agrees. */
export interface QueueSettings {
  /** Skip the seeds of cells the rule can no longer recommend (prune.ts). */
  readonly prune: boolean;
  /** A lease not renewed for this long is reclaimed. */
  readonly leaseMs: number;
  /** Kill a run that takes longer (status `timeout`); null: no limit. */
  readonly pointTimeoutMs: number | null;
}

/** The default clock of lease ages: wall time, since it is compared with file mtimes (injected in tests). */
// The one place the sweep reads the wall clock; everything else takes `now` as an option.
// eslint-disable-next-line no-restricted-properties
export const wallClock = (): number => Date.now();

/** Default lease: a worker renews every quarter of it, so only a dead or frozen worker loses one. */
export const DEFAULT_LEASE_MS = 60_000;

/** A store's plan and settings. */
export interface Store {
  readonly dir: string;
  readonly plan: SweepPlan;
  readonly settings: QueueSettings;
}

/** A task with its cache key. */
export type KeyedTask = SweepTask & { readonly key: string };

const PLAN_FILE = 'plan.json';
const LEASES = 'leases';

function storeError(dir: string, message: string, hint: string) {
  return inputError('store_mismatch', { path: '', message, hint, source: dir });
}

/**
 * Creates the store with `plan` and `settings`, or checks that an existing one holds the
 * same (several identical launches may race to create it: the plan file is linked into
 * place, so exactly one wins and the others compare). Throws `store_mismatch` (exit 2).
 */
export async function initStore(dir: string, plan: SweepPlan, settings: QueueSettings): Promise<Store> {
  await mkdir(join(dir, LEASES), { recursive: true });
  const text = stringifyWithNonFinite({ version: 2, plan, queue: settings }, 2) + '\n';
  const tmp = join(dir, `.plan.${process.pid}.${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, text);
  try {
    await link(tmp, join(dir, PLAN_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const store = await openStore(dir);
  if (canonicalJson(store.plan) !== canonicalJson(plan) || canonicalJson(store.settings) !== canonicalJson(settings)) {
    throw storeError(dir, `${dir} already holds another sweep (its config, grid, seeds, tolerance, --prune or --point-timeout differ)`, 'Use a new --store directory, or the same config and flags as the sweep that created it; `gclip sweep worker --store DIR` joins it as it is.');
  }
  return store;
}

/** Reads a store's plan and settings. Throws `sweep_dir_invalid` (exit 2) when `dir` holds none. */
export async function openStore(dir: string): Promise<Store> {
  let text: string;
  try {
    text = await readFile(join(dir, PLAN_FILE), 'utf8');
  } catch {
    throw inputError('sweep_dir_invalid', {
      path: '',
      message: `${dir} is not a sweep store (no ${PLAN_FILE})`,
      hint: 'Create it with `gclip sweep -c CONFIG --store DIR` (every worker can run that same command).',
      source: dir,
    });
  }
  const doc = JSON.parse(text, decodeNumbers) as { plan: SweepPlan; queue?: QueueSettings };
  return { dir, plan: doc.plan, settings: doc.queue ?? { prune: false, leaseMs: DEFAULT_LEASE_MS, pointTimeoutMs: null } };
}

/** Every task of the store's plan with its key, in run order. */
export function storeTasks(plan: SweepPlan): KeyedTask[] {
  return runOrder(planTasks(plan)).map((t) => ({ ...t, key: taskKey(t.config) }));
}

/** The results present in the store, by task key. */
export async function readResults(dir: string, tasks: readonly KeyedTask[]): Promise<Map<string, SeedResult>> {
  const names = new Set(await readdir(join(dir, 'cache')).catch(() => [] as string[]));
  const found = new Map<string, SeedResult>();
  for (const t of tasks) {
    if (!names.has(`${t.key}.json`)) continue;
    const r = await readCached(dir, t.key);
    if (r) found.set(t.key, r);
  }
  return found;
}

/** A lease as `sweep status` shows it. */
export interface LeaseInfo {
  readonly key: string;
  readonly owner: string;
  readonly ageMs: number;
  readonly expired: boolean;
}

/** The leases present in the store. */
export async function readLeases(store: Store, now: () => number = wallClock): Promise<LeaseInfo[]> {
  const dir = join(store.dir, LEASES);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !n.includes('.'));
  const leases: LeaseInfo[] = [];
  for (const key of names) {
    try {
      const [info, owner] = await Promise.all([stat(join(dir, key)), readFile(join(dir, key), 'utf8')]);
      const ageMs = now() - info.mtimeMs;
      leases.push({ key, owner: owner.trim(), ageMs, expired: ageMs > store.settings.leaseMs });
    } catch {
      // Released while we looked.
    }
  }
  return leases;
}

/**
 * Claims `key` for `owner`: creates its lease exclusively, or reclaims an expired one
 * (renamed away first, so of several reclaimers exactly one goes on). False when someone
 * else holds a live lease or won the race.
 */
export async function claimTask(store: Store, key: string, owner: string, now: () => number = wallClock): Promise<boolean> {
  const path = join(store.dir, LEASES, key);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(owner + '\n');
      await handle.close();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const info = await stat(path).catch(() => null);
    if (info !== null && now() - info.mtimeMs <= store.settings.leaseMs) return false;
    const stale = `${path}.stale.${randomBytes(4).toString('hex')}`;
    try {
      await rename(path, stale);
    } catch {
      return false;
    }
    await unlink(stale).catch(() => undefined);
  }
  return false;
}

/** Renews a held lease (its mtime), and releases it. A lease reclaimed meanwhile is left alone. */
export async function renew(store: Store, key: string, now: () => number): Promise<void> {
  const t = new Date(now());
  await utimes(join(store.dir, LEASES, key), t, t).catch(() => undefined);
}

export async function release(store: Store, key: string): Promise<void> {
  await unlink(join(store.dir, LEASES, key)).catch(() => undefined);
}
