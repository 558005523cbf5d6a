/**
 * `npm run bench -- --advice`: does the sweep's advice hold on setups it was not tuned on?
 * For each config of bench/advice/set.json, as a new user would: the default sweep (default
 * grid, 3 seeds), then a held-out sweep of the same config on 5 other seeds (config seed +
 * 100 …) and a denser grid that holds every default threshold, so the advice and the folk
 * max_norm 1.0 can be scored there (advice-table.ts).
 *
 * Sweeps are spawned (`gclip sweep --json`) into .gclip-cache/bench-advice/<config>/, and
 * reuse their run cache unless `fresh`: the recommendation is recomputed from the cached
 * runs by the current rule, so a rule change is re-scored in seconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNumbers } from '../log/codec.js';
import { DEFAULT_THRESHOLDS } from '../sweep/settings.js';
import type { SweepReport } from '../sweep/report.js';
import { renderAdviceTable, scoreAdvice, type AdviceEntry, type AdviceRow } from './advice-table.js';
import { runChild } from './spawn.js';

/** Seeds of the held-out sweep, and their offset from the config's seed (the default sweep uses seed … seed + 2). */
export const HELD_OUT_SEEDS = 5;
const HELD_OUT_SEED_OFFSET = 100;

/**
 * The held-out grid: the default thresholds, one point below them and points between them
 * and above (14 values, 0.05 to 7). Kept this size so that the set runs in minutes on a
 * loaded 2-core machine; a point between two default ones is where a rule that drifts
 * would show.
 */
export const HELD_OUT_THRESHOLDS: readonly number[] = [...new Set([...DEFAULT_THRESHOLDS, 0.05, 0.15, 0.4, 0.7, 1.5, 7])].sort((a, b) => a - b);

/** What `--advice` measured (the JSON written into the bench results). */
export interface AdviceResult {
  readonly version: 1;
  readonly date: string;
  readonly jobs: number;
  readonly heldOut: { readonly seeds: number; readonly seedOffset: number; readonly thresholds: readonly number[] };
  readonly rows: readonly AdviceRow[];
  /** Wall time of the whole bench (sweeps reused from the cache are fast). */
  readonly wallMs: number;
  /** The Markdown table. */
  readonly table: string;
}

/** Options of the advice bench. */
export interface AdviceOptions {
  readonly jobs: number;
  /** Rerun every run instead of reusing the sweeps' caches. */
  readonly fresh: boolean;
  /** Only these config file names (all when empty). */
  readonly only: readonly string[];
  readonly log: (line: string) => void;
}

async function sweep(root: string, config: string, out: string, extra: readonly string[], o: AdviceOptions): Promise<SweepReport> {
  const args = [join(root, 'bin/gclip.js'), 'sweep', '-c', config, '--jobs', String(o.jobs), '--json', '--quiet', '--out', out, ...extra, ...(o.fresh ? ['--fresh'] : [])];
  const r = await runChild(process.execPath, args, { cwd: root });
  // Exit 1 is a valid sweep (nothing stable); 2 and 3 are failures of the bench.
  if (r.code !== 0 && r.code !== 1) throw new Error(`gclip sweep ${extra.join(' ')} on ${config} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout, decodeNumbers) as SweepReport;
}

/** Runs the advice bench on bench/advice/set.json. */
export async function runAdviceBench(root: string, o: AdviceOptions): Promise<AdviceResult> {
  const started = performance.now();
  const dir = join(root, 'bench', 'advice');
  const set = (JSON.parse(readFileSync(join(dir, 'set.json'), 'utf8')) as { configs: AdviceEntry[] }).configs;
  const entries = set.filter((e) => o.only.length === 0 || o.only.includes(e.config) || o.only.includes(e.config.replace(/\.yaml$/, '')));
  const rows: AdviceRow[] = [];
  for (const entry of entries) {
    const config = join(dir, entry.config);
    const cache = join(root, '.gclip-cache', 'bench-advice', entry.config.replace(/\.yaml$/, ''));
    const t0 = performance.now();
    const advised = await sweep(root, config, join(cache, 'default'), [], o);
    const seed = advised.config.seed + HELD_OUT_SEED_OFFSET;
    const heldOut = await sweep(root, config, join(cache, 'held-out'), ['--seed', String(seed), '--seeds', String(HELD_OUT_SEEDS), '--thresholds', HELD_OUT_THRESHOLDS.join(',')], o);
    const row = scoreAdvice(entry, advised, heldOut);
    rows.push(row);
    o.log(`advice ${entry.config}: ${row.status} ${row.maxNorm ?? ''} → ${row.pass ? 'met' : 'missed'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return {
    version: 1,
    date: new Date().toISOString(),
    jobs: o.jobs,
    heldOut: { seeds: HELD_OUT_SEEDS, seedOffset: HELD_OUT_SEED_OFFSET, thresholds: HELD_OUT_THRESHOLDS },
    rows,
    wallMs: performance.now() - started,
    table: renderAdviceTable(rows, HELD_OUT_SEEDS),
  };
}
