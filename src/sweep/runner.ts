/**
 * The parallel runner: a pool of `jobs` worker processes (`child_process.fork` of
 * dist/sweep/worker.js), each training one task at a time. tfjs's wasm and cpu backends
 * are single-threaded, so processes scale with cores. A task whose run throws comes back
 * as a `crashed` result; a worker that dies takes only its current task with it (reported
 * as crashed, with the tail of its stderr) and is replaced; a task past `timeoutMs` has
 * its worker killed and comes back as `timeout`. Tasks come from a fixed list or a
 * TaskSource (the shared store's claims). Aborting stops dispatching and kills the
 * workers; finished results have already been handed to `onResult`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendName, RunConfig } from '../config/schema.js';
import { inputError, internalError } from '../errors.js';
import { crashedResult, type SeedResult } from './metrics.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** One task for the runner. */
export interface RunnerTask {
  readonly pointId: string;
  readonly seed: number;
  readonly config: RunConfig;
}

/** Options of `runTasks`. */
export interface RunnerOptions {
  /** Worker processes (≥ 1); never more than there are tasks. */
  readonly jobs: number;
  readonly backend: BackendName;
  /** Called when a worker starts a task. */
  readonly onStart?: (task: RunnerTask) => void;
  /** Called with every result, in completion order; awaited before the worker's next task. */
  readonly onResult?: (task: RunnerTask, result: SeedResult) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** Worker entry to fork; default dist/sweep/worker.js (tests pass a fake). */
  readonly workerPath?: string;
  /** Kill a run that takes longer than this (its worker is replaced) and report it as `timeout`; default: no limit. */
  readonly timeoutMs?: number | null;
}

/**
 * Where workers take their tasks from: a fixed list, or a work queue that claims tasks as
 * workers ask (the shared store). `take` resolving undefined means nothing is left.
 */
export interface TaskSource {
  take(): Promise<RunnerTask | undefined>;
  /** True when `take` can only resolve undefined from now on (no replacement worker is started then). */
  exhausted(): boolean;
  /** Workers to start: never more than there can be tasks. */
  readonly size: number;
}

/** A TaskSource over a fixed list, in order. */
export function listSource(tasks: readonly RunnerTask[]): TaskSource {
  const queue = [...tasks];
  return { take: () => Promise.resolve(queue.shift()), exhausted: () => queue.length === 0, size: queue.length };
}

/** The compiled worker entry: next to this module in dist, or dist's copy when run from src. */
export function defaultWorkerPath(): string {
  const sibling = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(sibling) ? sibling : fileURLToPath(new URL('../../dist/sweep/worker.js', import.meta.url));
}

const STDERR_TAIL = 600;

/**
 * Node flags of the workers, measured on a 27-run sweep of configs/exploding-rnn.yaml on
 * 2 cores (wasm):
 * - `--max-semi-space-size=32` (MB; V8's default is 16 on 64-bit): a tfjs step allocates
 *   thousands of short-lived objects (tensors, tape nodes), and a larger young generation
 *   scavenges less often for the same survivors: 43 → 32 s of CPU for the sweep, --jobs 1
 *   36.3 → 29.4–31.9 s and --jobs 2 21.2 → 17.0–17.8 s wall. 64 and 128 MB gained nothing more.
 * - `--single-threaded-gc` when several workers share the cores: V8's background GC threads
 *   make each worker use more than one core and the workers fight over them; GC on the main
 *   thread measured 22.7 s instead of 25.1 s with --jobs 2 (a single worker keeps them).
 */
function workerArgs(jobs: number): string[] {
  return ['--max-semi-space-size=32', ...(jobs > 1 ? ['--single-threaded-gc'] : [])];
}

/** Runs every task; resolves when all are done or the signal aborted. Rejects if no worker can start its backend. */
export function runTasks(tasks: readonly RunnerTask[] | TaskSource, o: RunnerOptions): Promise<void> {
  const queue = 'take' in tasks ? tasks : listSource(tasks);
  const path = o.workerPath ?? defaultWorkerPath();
  const workers = new Set<ChildProcess>();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      for (const w of workers) w.kill();
      workers.clear();
      o.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => finish();
    o.signal?.addEventListener('abort', onAbort);
    if (o.signal?.aborted || queue.size === 0) return finish();
    const spawn = () => startWorker(path, o, { queue, workers, finish, spawn, active: () => !settled });
    for (let i = 0; i < Math.max(1, Math.min(o.jobs, queue.size)); i++) spawn();
  });
}

interface Pool {
  readonly queue: TaskSource;
  /** False once the run has finished, failed or been aborted. */
  active(): boolean;
  readonly workers: Set<ChildProcess>;
  finish(error?: unknown): void;
  spawn(): void;
}

function startWorker(path: string, o: RunnerOptions, pool: Pool): void {
  const child = fork(path, [], { execArgv: workerArgs(o.jobs), serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  pool.workers.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
  let current: { task: RunnerTask; started: number; timer: NodeJS.Timeout | null; timedOut: boolean } | null = null;
  let nextId = 0;
  let ready = false;
  const dispatch = (task: RunnerTask | undefined) => {
    if (!pool.active()) return;
    if (task === undefined) {
      current = null;
      pool.workers.delete(child);
      child.kill();
      if (pool.workers.size === 0) pool.finish();
      return;
    }
    const timer = o.timeoutMs ? setTimeout(() => {
      if (current) current.timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs) : null;
    current = { task, started: performance.now(), timer, timedOut: false };
    o.onStart?.(task);
    send(child, { type: 'task', id: nextId++, pointId: task.pointId, seed: task.seed, config: task.config });
  };
  const next = () => {
    if (pool.active()) pool.queue.take().then(dispatch, (e: unknown) => pool.finish(e));
  };
  child.on('message', (m: FromWorker) => {
    if (m.type === 'ready') {
      ready = true;
      return next();
    }
    if (m.type === 'init_error') return pool.finish(inputError('backend_unavailable', { path: 'backend', message: `sweep worker: ${m.message}`, hint: 'Run `gclip doctor`, or pass --backend wasm.' }));
    const task = current!.task;
    if (current!.timer) clearTimeout(current!.timer);
    Promise.resolve(o.onResult?.(task, m.result)).then(next, (e: unknown) => pool.finish(e));
  });
  child.on('exit', (code, signal) => {
    if (!pool.workers.delete(child)) return;
    // A worker that dies before it is ready would die again: stop instead of respawning forever.
    if (!ready) return pool.finish(internalError('sweep_worker_failed', `sweep worker ${path} exited before starting (${signal ?? `code ${code}`}): ${stderr.trim()}`));
    const lost = current;
    current = null;
    if (lost?.timer) clearTimeout(lost.timer);
    const reason = lost?.timedOut
      ? `killed after the point timeout of ${(o.timeoutMs! / 1000).toFixed(1)} s`
      : `worker process exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
    const lostResult = (t: NonNullable<typeof lost>) => crashedResult(t.task, reason, performance.now() - t.started, t.timedOut ? 'timeout' : 'crashed');
    const report = lost ? Promise.resolve(o.onResult?.(lost.task, lostResult(lost))) : Promise.resolve();
    report.then(() => {
      if (!pool.active()) return;
      if (!pool.queue.exhausted()) pool.spawn();
      else if (pool.workers.size === 0) pool.finish();
    }, (e: unknown) => pool.finish(e));
  });
  send(child, { type: 'init', backend: o.backend });
}

function send(child: ChildProcess, message: ToWorker): void {
  if (child.connected) child.send(message);
}
