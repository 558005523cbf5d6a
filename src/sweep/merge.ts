/**
 * `gclip sweep merge DIR...`: combines the directories of sharded runs into the report an
 * unsharded sweep of the same plan gives. Every directory must hold the same plan; every
 * task of the plan must have a result in one of them.
 */
import { inputError } from '../errors.js';
import { existsSync } from 'node:fs';
import { cachePath, canonicalJson, readCached, taskKey } from './cache.js';
import { planTasks, type SweepPlan } from './grid.js';
import type { SeedResult } from './metrics.js';
import { buildReport, type SweepReport } from './report.js';
import { readPlan, writeReport } from './sweep.js';

/**
 * Reads the shard directories and builds the merged report; writes `sweep.json` into
 * `outDir` when given. Throws GclipError (exit 2): `sweep_dir_invalid` (no plan.json),
 * `shard_mismatch` (plans differ), `shard_incomplete` (tasks without a result).
 */
export async function mergeSweepDirs(dirs: readonly string[], o: { outDir?: string; now?: () => number } = {}): Promise<SweepReport> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const plans = await Promise.all(dirs.map(readPlan));
  const plan = samePlan(dirs, plans);
  const results: SeedResult[] = [];
  const missing: string[] = [];
  const damaged: string[] = [];
  for (const task of planTasks(plan)) {
    const key = taskKey(task.config);
    const found = await firstCached(dirs, key);
    if (found) results.push(found);
    else missing.push(`${task.pointId} seed ${task.seed}`);
    if (!found) damaged.push(...dirs.map((d) => cachePath(d, key)).filter((f) => existsSync(f)));
  }
  if (missing.length > 0) {
    // A cache file that is there but unreadable was cut mid-write (a copy taken while a shard ran).
    const cut = damaged.length ? `; ignored as cut mid-write or damaged: ${damaged.slice(0, 3).join(', ')}${damaged.length > 3 ? ', …' : ''}` : '';
    throw inputError('shard_incomplete', {
      path: '',
      message: `${missing.length} of ${planTasks(plan).length} runs have no result in ${dirs.join(', ')} (${missing.slice(0, 5).join('; ')}${missing.length > 5 ? '; …' : ''})${cut}`,
      hint: 'Pass every shard directory, and rerun any shard that did not finish (it resumes from its cache).',
      source: dirs.join(' '),
    });
  }
  const report = buildReport(plan, results, { wallMs: now() - started, jobs: 0, ran: 0, cached: results.length });
  if (o.outDir !== undefined) await writeReport(o.outDir, report);
  return report;
}

function samePlan(dirs: readonly string[], plans: readonly SweepPlan[]): SweepPlan {
  const first = canonicalJson(plans[0]);
  const other = plans.findIndex((p) => canonicalJson(p) !== first);
  if (other >= 0) {
    throw inputError('shard_mismatch', {
      path: '',
      message: `${dirs[other]} holds a different sweep plan than ${dirs[0]} (config, grid, seeds or tolerance differ)`,
      hint: 'Run every shard with the same config and flags; only --shard and --out may differ.',
      source: dirs[other],
    });
  }
  return plans[0]!;
}

async function firstCached(dirs: readonly string[], key: string): Promise<SeedResult | null> {
  for (const dir of dirs) {
    const hit = await readCached(dir, key);
    if (hit) return hit;
  }
  return null;
}
