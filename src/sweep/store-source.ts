/**
 * A sweep store as the runner's task source: claim the next task with a lease, renew it
 * while the run goes, write its result and release it; prune cells the rule can never
 * recommend (with --prune).
 */
import { hostname } from 'node:os';
import { readCached, writeCached } from './cache.js';
import { crashedResult, type SeedResult } from './metrics.js';
import { isPrunable } from './prune.js';
import type { RunnerTask, TaskSource } from './runner.js';
import { claimTask, readResults, release, renew, storeTasks, wallClock, type Store } from './store.js';

/** Options of the store's task source. */
export interface StoreSourceOptions {
  /** Owner written into leases: host and pid by default. */
  readonly owner?: string;
  /** Wall clock in ms (lease ages compare with file mtimes). */
  readonly now?: () => number;
  /** How long to wait before looking again when every task left is leased by a live worker. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * The store as a TaskSource for the runner, plus `complete` (every task has a result, so
 * the report can be built) and `settle` (write a result and release its lease). `take`
 * prunes (with --prune), then claims the first task in run order without a result; when
 * every task left is leased by live workers it waits and looks again (so an expired lease
 * is reclaimed by whoever is still waiting), and resolves undefined once all are done.
 */
export function storeSource(store: Store, o: StoreSourceOptions = {}) {
  const now = o.now ?? wallClock;
  const owner = o.owner ?? `${hostname()}:${process.pid}`;
  const tasks = storeTasks(store.plan);
  const byId = new Map(tasks.map((t) => [`${t.pointId}#${t.seed}`, t]));
  const held = new Map<string, NodeJS.Timeout>();
  let done = false;
  const pollMs = o.pollMs ?? Math.min(1000, store.settings.leaseMs / 4);

  async function prune(results: Map<string, SeedResult>): Promise<boolean> {
    const known = new Map<string, SeedResult[]>();
    for (const t of tasks) {
      const r = results.get(t.key);
      if (r) known.set(t.pointId, [...(known.get(t.pointId) ?? []), r]);
    }
    let pruned = false;
    for (const t of tasks) {
      const point = store.plan.points.find((p) => p.id === t.pointId)!;
      if (results.has(t.key) || !isPrunable(point, store.plan.points, known, store.plan.seeds.length)) continue;
      await writeCached(store.dir, t.key, crashedResult(t, 'pruned: a smaller threshold at this lr failed in some seed above a stable one, so the rule can never recommend this cell', 0, 'pruned'));
      pruned = true;
    }
    return pruned;
  }

  async function take(): Promise<RunnerTask | undefined> {
    for (;;) {
      if (o.signal?.aborted) return undefined;
      let results = await readResults(store.dir, tasks);
      if (store.settings.prune && (await prune(results))) results = await readResults(store.dir, tasks);
      const pending = tasks.filter((t) => !results.has(t.key));
      if (pending.length === 0) {
        done = true;
        return undefined;
      }
      for (const t of pending) {
        if (held.has(t.key) || !(await claimTask(store, t.key, owner, now))) continue;
        if (await readCached(store.dir, t.key)) {
          await release(store, t.key);
          continue;
        }
        held.set(t.key, setInterval(() => void renew(store, t.key, now), store.settings.leaseMs / 4));
        return t;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  const source: TaskSource & {
    complete(): boolean;
    settle(task: RunnerTask, result: SeedResult): Promise<void>;
    stop(): Promise<void>;
  } = {
    take,
    exhausted: () => done,
    size: tasks.length,
    complete: () => done,
    async settle(task, result) {
      const t = byId.get(`${task.pointId}#${task.seed}`)!;
      await writeCached(store.dir, t.key, result);
      clearInterval(held.get(t.key));
      held.delete(t.key);
      await release(store, t.key);
    },
    /** Releases every lease still held (an interrupted worker hands its tasks back at once). */
    async stop() {
      for (const [key, timer] of held) {
        clearInterval(timer);
        await release(store, key);
      }
      held.clear();
    },
  };
  return source;
}
