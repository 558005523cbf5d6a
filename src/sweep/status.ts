/**
 * `gclip sweep status DIR`: the progress of a shared store while it runs (done, running,
 * left, per cell), read from its files only, so it works from any machine that sees them.
 */
import { openStore, readLeases, readResults, storeTasks, wallClock } from './store.js';

/** Seeds (of a cell, or of the whole store) by state. */
export interface TaskCounts {
  /** Seeds with a result (pruned ones included). */
  readonly done: number;
  /** Seeds under a live lease. */
  readonly running: number;
  /** Seeds under a lease not renewed in time (its worker died; the next worker reclaims it). */
  readonly stale: number;
  readonly left: number;
  readonly pruned: number;
  /** Finished seeds that were not stable (halted, crashed, timed out). */
  readonly failed: number;
}

/** One cell (point) of the plan. */
export interface CellStatus extends TaskCounts {
  readonly id: string;
  readonly lr: number | null;
  readonly threshold: number | null;
  readonly strategy: string;
}

/** The whole store. */
export interface StoreStatus extends TaskCounts {
  readonly dir: string;
  readonly name: string;
  readonly total: number;
  /** Workers holding a live lease (host:pid). */
  readonly workers: readonly string[];
  readonly cells: readonly CellStatus[];
}

/** Reads the status of the store in `dir`. Throws `sweep_dir_invalid` (exit 2) when it is none. */
export async function storeStatus(dir: string, now: () => number = wallClock): Promise<StoreStatus> {
  const store = await openStore(dir);
  const tasks = storeTasks(store.plan);
  const results = await readResults(dir, tasks);
  const leases = new Map((await readLeases(store, now)).map((l) => [l.key, l]));
  const cells = store.plan.points.map((p) => {
    const own = tasks.filter((t) => t.pointId === p.id);
    const count = (f: (t: (typeof own)[number]) => boolean) => own.filter(f).length;
    const result = (t: (typeof own)[number]) => results.get(t.key);
    const leased = (t: (typeof own)[number], expired: boolean) => !result(t) && leases.get(t.key)?.expired === expired;
    const done = count((t) => result(t) !== undefined);
    const running = count((t) => leased(t, false));
    const stale = count((t) => leased(t, true));
    return {
      id: p.id,
      lr: p.lr ?? null,
      threshold: p.threshold,
      strategy: p.strategy,
      done,
      running,
      stale,
      left: own.length - done - running - stale,
      pruned: count((t) => result(t)?.status === 'pruned'),
      failed: count((t) => { const r = result(t); return r !== undefined && !r.stable && r.status !== 'pruned'; }),
    };
  });
  const sum = (k: keyof TaskCounts) => cells.reduce((a, c) => a + c[k], 0);
  const workers = [...new Set([...leases.values()].filter((l) => !l.expired).map((l) => l.owner))].sort();
  return { dir, name: store.plan.base.name, total: tasks.length, done: sum('done'), running: sum('running'), stale: sum('stale'), left: sum('left'), pruned: sum('pruned'), failed: sum('failed'), workers, cells };
}
