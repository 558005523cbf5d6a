/**
 * `sweep(plan, options)`: the library entry behind `gclip sweep`. Writes the plan, takes
 * finished tasks from the cache, runs the rest in worker processes, caches each result
 * as it arrives, and (unless sharded) writes and returns the report.
 */
import { join } from 'node:path';
import type { BackendName } from '../config/schema.js';
import { inputError, isGclipError } from '../errors.js';
import { READ_LIMITS } from '../guard/limits.js';
import { readTextBounded } from '../guard/read-bounded.js';
import { decodeNumbers, stringifyWithNonFinite } from '../log/codec.js';
import { writeFileAtomic } from '../report/atomic.js';
import { readCached, taskKey, writeCached } from './cache.js';
import { planTasks, runOrder, type SweepPlan, type SweepTask } from './grid.js';
import type { SeedResult } from './metrics.js';
import { buildReport, type SweepReport } from './report.js';
import { runTasks } from './runner.js';
import { storeSource } from './store-source.js';
import { readResults, storeTasks, type Store } from './store.js';
import { shardItems, type Shard } from './shard.js';

/** Files of a sweep directory. */
export const SWEEP_FILES = { plan: 'plan.json', report: 'sweep.json', cache: 'cache' } as const;

/** Progress of a sweep, reported after every change. */
export interface SweepProgress {
  /** Tasks (point × seed) in this invocation, cached ones included. */
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly left: number;
  readonly cached: number;
  readonly crashed: number;
  readonly elapsedMs: number;
  /** Estimated time left: mean run time so far × tasks not done ÷ jobs; null before the first result. */
  readonly etaMs: number | null;
  /** The result that triggered this update, if any. */
  readonly last: SeedResult | null;
}

/** Options of `sweep`. */
export interface SweepOptions {
  /** Sweep directory: plan.json, cache/, sweep.json. */
  readonly outDir: string;
  readonly jobs: number;
  /** Ignore cached results (they are overwritten as tasks finish). */
  readonly fresh?: boolean;
  readonly shard?: Shard | null;
  readonly backend?: BackendName;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
  /** Milliseconds clock (injected, style.md §4). */
  readonly now?: () => number;
  /** Worker entry override (tests). */
  readonly workerPath?: string;
  /** Kill a run that takes longer (status `timeout`); default: no limit. */
  readonly pointTimeoutMs?: number | null;
}

/** What a sweep invocation produced. */
export type SweepOutcome =
  | { readonly kind: 'report'; readonly report: SweepReport }
  | { readonly kind: 'shard'; readonly shard: Shard; readonly tasks: number; readonly crashed: number }
  | { readonly kind: 'interrupted'; readonly done: number; readonly total: number };

/** Runs (or resumes) the sweep of `plan` into `o.outDir`. */
export async function sweep(plan: SweepPlan, o: SweepOptions): Promise<SweepOutcome> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  await writeFileAtomic(join(o.outDir, SWEEP_FILES.plan), stringifyWithNonFinite({ version: 1, plan }, 2) + '\n');
  const tasks = shardItems(planTasks(plan), o.shard ?? null).map((t) => ({ ...t, key: taskKey(t.config) }));
  const results: SeedResult[] = [];
  const todo: (SweepTask & { key: string })[] = [];
  for (const t of tasks) {
    const hit = o.fresh ? null : await readCached(o.outDir, t.key);
    if (hit && hit.status !== 'crashed') results.push(hit);
    else todo.push(t);
  }
  const cached = results.length;
  const progress = createProgressTracker({ total: tasks.length, cached, jobs: o.jobs, now, started, emit: o.onProgress });
  const keys = new Map(todo.map((t) => [`${t.pointId}#${t.seed}`, t.key]));
  await runTasks(runOrder(todo), {
    jobs: o.jobs,
    backend: o.backend ?? plan.base.backend,
    signal: o.signal,
    workerPath: o.workerPath,
    timeoutMs: o.pointTimeoutMs ?? null,
    onStart: () => progress.start(),
    onResult: async (t, result) => {
      await writeCached(o.outDir, keys.get(`${t.pointId}#${t.seed}`)!, result);
      results.push(result);
      progress.finish(result);
    },
  });
  if (results.length < tasks.length) return { kind: 'interrupted', done: results.length, total: tasks.length };
  const crashed = results.filter((r) => r.status === 'crashed').length;
  if (o.shard) return { kind: 'shard', shard: o.shard, tasks: tasks.length, crashed };
  const report = buildReport(plan, results, { wallMs: now() - started, jobs: o.jobs, ran: results.length - cached, cached });
  await writeReport(o.outDir, report);
  return { kind: 'report', report };
}

/** Options of `workStore`: a worker's own settings (the queue's come from the store). */
export type StoreWorkOptions = Pick<SweepOptions, 'jobs' | 'backend' | 'signal' | 'onProgress' | 'now' | 'workerPath'> & {
  /** Lease owner (default host:pid) and poll interval, for tests. */
  readonly owner?: string;
  readonly pollMs?: number;
};

/**
 * Works on a shared store (store.ts) with `o.jobs` worker processes until every task of
 * its plan has a result, then writes the report into the store (whichever worker sees the
 * last result does; the report depends only on the results). Returns `interrupted` when
 * stopped first; the store keeps every finished result and the held leases are released.
 */
export async function workStore(store: Store, o: StoreWorkOptions): Promise<SweepOutcome> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const source = storeSource(store, { signal: o.signal, owner: o.owner, pollMs: o.pollMs });
  const tasks = storeTasks(store.plan);
  const before = (await readResults(store.dir, tasks)).size;
  const progress = createProgressTracker({ total: tasks.length, cached: before, jobs: o.jobs, now, started, emit: o.onProgress });
  let ran = 0;
  try {
    await runTasks(source, {
      jobs: o.jobs,
      backend: o.backend ?? store.plan.base.backend,
      signal: o.signal,
      workerPath: o.workerPath,
      timeoutMs: store.settings.pointTimeoutMs,
      onStart: () => progress.start(),
      onResult: async (t, result) => {
        await source.settle(t, result);
        ran++;
        progress.finish(result);
      },
    });
  } finally {
    await source.stop();
  }
  const results = await readResults(store.dir, tasks);
  if (!source.complete()) return { kind: 'interrupted', done: results.size, total: tasks.length };
  const report = buildReport(store.plan, [...results.values()], { wallMs: now() - started, jobs: o.jobs, ran, cached: results.size - ran });
  await writeReport(store.dir, report);
  return { kind: 'report', report };
}

/** Writes `sweep.json` (atomically, non-finite numbers kept as strings). */
export async function writeReport(dir: string, report: SweepReport): Promise<void> {
  await writeFileAtomic(join(dir, SWEEP_FILES.report), stringifyWithNonFinite(report, 2) + '\n');
}

interface TrackerOptions {
  total: number;
  cached: number;
  jobs: number;
  now: () => number;
  started: number;
  emit?: (p: SweepProgress) => void;
}

function createProgressTracker(o: TrackerOptions) {
  let running = 0, done = o.cached, crashed = 0, ran = 0;
  const emit = (last: SeedResult | null) => {
    const left = o.total - done - running;
    const elapsedMs = o.now() - o.started;
    // Throughput so far (runs per ms of wall time) already reflects the parallelism.
    const etaMs = ran === 0 ? null : ((left + running) * elapsedMs) / ran;
    o.emit?.({ total: o.total, done, running, left, cached: o.cached, crashed, elapsedMs, etaMs, last });
  };
  emit(null);
  return {
    start() {
      running++;
      emit(null);
    },
    finish(r: SeedResult) {
      running = Math.max(0, running - 1);
      done++;
      ran++;
      if (r.status === 'crashed') crashed++;
      emit(r);
    },
  };
}

/** Reads a sweep directory's plan.json. Throws `sweep_dir_invalid` (exit 2) when it has none. */
export async function readPlan(dir: string): Promise<SweepPlan> {
  let text: string;
  try {
    text = await readTextBounded(join(dir, SWEEP_FILES.plan), READ_LIMITS.sweep);
  } catch (e) {
    if (isGclipError(e)) throw e;
    throw inputError('sweep_dir_invalid', {
      path: '',
      message: `${dir} is not a sweep directory (no ${SWEEP_FILES.plan})`,
      hint: 'Pass the --out directories of `gclip sweep --shard I/N` runs.',
      source: dir,
    });
  }
  let doc: { plan?: SweepPlan } | null = null;
  try {
    doc = JSON.parse(text, decodeNumbers) as { plan?: SweepPlan } | null;
  } catch {
    // Reported below with the same message as a plan of the wrong shape.
  }
  if (typeof doc?.plan !== 'object' || doc.plan === null || !Array.isArray(doc.plan.points)) {
    throw inputError('sweep_dir_invalid', { path: '', message: `${join(dir, SWEEP_FILES.plan)} is damaged: expected the JSON plan \`gclip sweep\` writes`, hint: 'Run the sweep again into a fresh --out directory.', source: join(dir, SWEEP_FILES.plan) });
  }
  return doc.plan;
}
