/**
 * Sweep throughput: the same `gclip sweep` (spawned, `--fresh`, into a temp dir) with
 * `--jobs 1` and `--jobs N`; with `store`, also on a shared store (`--store`) worked by 1,
 * 2 and 3 single-job workers (the creating process plus `gclip sweep worker`s), each
 * round running every variant back to back (interleaved, so load drifts hit all alike),
 * medians over rounds. Skipped with a reason when the command is not registered.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild, type ChildResult } from './spawn.js';
import { median } from '../stats.js';

/** Wall times of one store variant over the rounds. */
export interface StoreTiming {
  /** Worker processes on the store (each `--jobs 1`). */
  readonly workers: number;
  readonly roundsMs: readonly number[];
  readonly medianMs: number;
}

/** Wall times of the two sweeps (and the store variants), or why they were not measured. */
export interface SweepTiming {
  readonly jobsN: number;
  readonly sweepJobs1Ms: number | null;
  readonly sweepJobsNMs: number | null;
  readonly speedup: number | null;
  readonly args: readonly string[];
  readonly skipped?: string;
  /** With store timing: `--jobs 1` per round (its median is sweepJobs1Ms) and each store variant. */
  readonly jobs1RoundsMs?: readonly number[];
  readonly store?: readonly StoreTiming[];
}

/** Store variants measured: 1, 2 and 3 workers. */
export const STORE_WORKERS: readonly number[] = [1, 2, 3];

const gclipArgs = (root: string, args: readonly string[]) => [join(root, 'bin/gclip.js'), ...args];

function checkExit(r: ChildResult, what: string): void {
  // Exit 1 is a valid sweep result (an unstable point); 2 and 3 are failures.
  if (r.code !== 0 && r.code !== 1) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

async function inTempDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-bench-sweep-'));
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sweepOnce(root: string, args: readonly string[], jobs: number): Promise<number> {
  return inTempDir(async (dir) => {
    const r = await runChild(process.execPath, gclipArgs(root, ['sweep', ...args, '--jobs', String(jobs), '--fresh', '--quiet', '--out', dir]), { cwd: dir });
    checkExit(r, `gclip sweep --jobs ${jobs}`);
    return r.wallMs;
  });
}

/** One sweep on a fresh store: the creating process, then `workers - 1` workers once the plan exists; wall time until all exit. */
function storeOnce(root: string, args: readonly string[], workers: number): Promise<number> {
  return inTempDir(async (dir) => {
    const store = join(dir, 'store');
    const t0 = performance.now();
    const creator = runChild(process.execPath, gclipArgs(root, ['sweep', ...args, '--jobs', '1', '--quiet', '--store', store]), { cwd: dir });
    let created = false;
    void creator.then(() => (created = true));
    while (!created && !existsSync(join(store, 'plan.json'))) await new Promise((r) => setTimeout(r, 20));
    const others = Array.from({ length: workers - 1 }, () => runChild(process.execPath, gclipArgs(root, ['sweep', 'worker', '--store', store, '--jobs', '1', '--quiet']), { cwd: dir }));
    const all = await Promise.all([creator, ...others]);
    all.forEach((r, i) => checkExit(r, i === 0 ? 'gclip sweep --store' : 'gclip sweep worker'));
    return performance.now() - t0;
  });
}

/** Times the sweep `args` at `--jobs 1` and `--jobs jobsN`; with `storeRounds > 0`, also the store variants, interleaved. */
export async function timeSweep(root: string, args: readonly string[], jobsN: number, storeRounds = 0): Promise<SweepTiming> {
  const help = await runChild(process.execPath, gclipArgs(root, ['sweep', '--help']), { cwd: root });
  if (help.code !== 0) return { jobsN, sweepJobs1Ms: null, sweepJobsNMs: null, speedup: null, args, skipped: '`gclip sweep` is not registered in this build' };
  try {
    if (storeRounds > 0) return await timeWithStore(root, args, jobsN, storeRounds);
    const one = await sweepOnce(root, args, 1);
    const many = await sweepOnce(root, args, jobsN);
    return { jobsN, sweepJobs1Ms: one, sweepJobsNMs: many, speedup: one / many, args };
  } catch (e) {
    return { jobsN, sweepJobs1Ms: null, sweepJobsNMs: null, speedup: null, args, skipped: (e as Error).message };
  }
}

async function timeWithStore(root: string, args: readonly string[], jobsN: number, rounds: number): Promise<SweepTiming> {
  const jobs1: number[] = [];
  const jobsNRounds: number[] = [];
  const store = STORE_WORKERS.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    jobs1.push(await sweepOnce(root, args, 1));
    for (const [i, w] of STORE_WORKERS.entries()) store[i]!.push(await storeOnce(root, args, w));
    jobsNRounds.push(await sweepOnce(root, args, jobsN));
  }
  const one = median(jobs1)!;
  const many = median(jobsNRounds)!;
  return {
    jobsN,
    sweepJobs1Ms: one,
    sweepJobsNMs: many,
    speedup: one / many,
    args,
    jobs1RoundsMs: jobs1,
    store: STORE_WORKERS.map((workers, i) => ({ workers, roundsMs: store[i]!, medianMs: median(store[i]!)! })),
  };
}
