/**
 * Sweep throughput: the same `gclip sweep` (spawned, `--fresh`, into a temp dir) with
 * `--jobs 1` and `--jobs N`. Skipped with a reason when the command is not registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from './spawn.js';

/** Wall times of the two sweeps, or why they were not measured. */
export interface SweepTiming {
  readonly jobsN: number;
  readonly sweepJobs1Ms: number | null;
  readonly sweepJobsNMs: number | null;
  readonly speedup: number | null;
  readonly args: readonly string[];
  readonly skipped?: string;
}

async function sweepOnce(root: string, args: readonly string[], jobs: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-bench-sweep-'));
  try {
    const r = await runChild(process.execPath, [join(root, 'bin/gclip.js'), 'sweep', ...args, '--jobs', String(jobs), '--fresh', '--quiet', '--out', dir], { cwd: dir });
    // Exit 1 is a valid sweep result (an unstable point); 2 and 3 are failures.
    if (r.code !== 0 && r.code !== 1) throw new Error(`gclip sweep --jobs ${jobs} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return r.wallMs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times the sweep `args` at `--jobs 1` and `--jobs jobsN`. */
export async function timeSweep(root: string, args: readonly string[], jobsN: number): Promise<SweepTiming> {
  const help = await runChild(process.execPath, [join(root, 'bin/gclip.js'), 'sweep', '--help'], { cwd: root });
  if (help.code !== 0) return { jobsN, sweepJobs1Ms: null, sweepJobsNMs: null, speedup: null, args, skipped: '`gclip sweep` is not registered in this build' };
  try {
    const one = await sweepOnce(root, args, 1);
    const many = await sweepOnce(root, args, jobsN);
    return { jobsN, sweepJobs1Ms: one, sweepJobsNMs: many, speedup: one / many, args };
  } catch (e) {
    return { jobsN, sweepJobs1Ms: null, sweepJobsNMs: null, speedup: null, args, skipped: (e as Error).message };
  }
}
