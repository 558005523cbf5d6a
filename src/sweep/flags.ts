/**
 * `gclip sweep` flags → grid options, jobs and shard (pure). Commander hands raw strings;
 * they are checked here once (numbers against `SWEEP_BOUNDS`), with errors naming the
 * flag (exit 2).
 */
import { numberFlag } from '../config/bounds.js';
import { inputError } from '../errors.js';
import { parseRange, parseThresholds, type GridOptions } from './grid.js';
import { SWEEP_BOUNDS } from './settings.js';
import { parseShard, type Shard } from './shard.js';
import { DEFAULT_LEASE_MS, type QueueSettings } from './store.js';

/** The sweep-only flags as commander passes them (undefined when absent). */
export interface SweepFlags {
  readonly thresholds?: string;
  readonly range?: string;
  readonly points?: string;
  readonly seeds?: string;
  readonly strategies?: string;
  readonly tolerance?: string;
  readonly jobs?: string;
  readonly shard?: string;
  readonly lrs?: string;
  readonly lrRange?: string;
  readonly lrPoints?: string;
  readonly store?: string;
  readonly prune?: boolean;
  readonly pointTimeout?: string;
  readonly lease?: string;
  readonly rollbackRow?: boolean;
}

/** What the flags select. `cores` is the default for --jobs. */
export interface SweepSettings {
  readonly grid: GridOptions;
  readonly jobs: number;
  readonly shard: Shard | null;
  /** Kill a run after this many ms (`--point-timeout S`); null: no limit. */
  readonly pointTimeoutMs: number | null;
  /** The shared store (`--store DIR`) and its queue settings, or null for a local sweep. */
  readonly store: { readonly dir: string; readonly settings: QueueSettings } | null;
}

function checked(key: keyof typeof SWEEP_BOUNDS, text: string | undefined, flag = `--${key}`): number | undefined {
  return text === undefined ? undefined : numberFlag(flag, text, SWEEP_BOUNDS[key]);
}

function conflict(a: string, b: string, what: string) {
  return inputError('conflicting_flags', { path: '', message: `Conflicting flags ${a} and ${b}: ${what}`, hint: 'Pass only one of them.', source: `${a}, ${b}` });
}

/** Parses the sweep flags. Throws GclipError `invalid_flag` / `conflicting_flags` (exit 2). */
export function parseSweepFlags(flags: SweepFlags, cores: number): SweepSettings {
  if (flags.thresholds !== undefined && flags.range !== undefined) throw conflict('--thresholds', '--range', 'both choose the thresholds');
  if (flags.lrs !== undefined && flags.lrRange !== undefined) throw conflict('--lrs', '--lr-range', 'both choose the learning rates');
  if (flags.store !== undefined && flags.shard !== undefined) throw conflict('--store', '--shard', 'a store hands out tasks to any number of workers, shards split them statically');
  if (flags.prune && flags.store === undefined) {
    throw inputError('invalid_flag', { path: '', message: 'Invalid --prune: it needs --store DIR (the pruning decision is shared by every worker of the store)', hint: 'Add --store DIR (a local directory works: gclip sweep -c run.yaml --store sweeps/run --prune).', source: '--prune' });
  }
  const points = checked('points', flags.points);
  const lrPoints = checked('points', flags.lrPoints, '--lr-points');
  const timeout = checked('pointTimeout', flags.pointTimeout, '--point-timeout');
  const lease = checked('lease', flags.lease);
  const pointTimeoutMs = timeout === undefined ? null : timeout * 1000;
  const grid: GridOptions = {
    thresholds: flags.thresholds === undefined ? undefined : parseThresholds(flags.thresholds),
    range: flags.range === undefined ? undefined : parseRange(flags.range, points),
    seeds: checked('seeds', flags.seeds),
    strategies: flags.strategies?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    tolerance: checked('tolerance', flags.tolerance),
    lrs: flags.lrs === undefined ? undefined : parseThresholds(flags.lrs, '--lrs', '0.003,0.01,0.03,0.1'),
    lrRange: flags.lrRange === undefined ? undefined : parseRange(flags.lrRange, lrPoints, { range: '--lr-range', points: '--lr-points', example: '0.001:0.1' }),
    rollback: Boolean(flags.rollbackRow),
  };
  const settings = { prune: Boolean(flags.prune), leaseMs: (lease ?? DEFAULT_LEASE_MS / 1000) * 1000, pointTimeoutMs };
  return {
    grid,
    jobs: checked('jobs', flags.jobs) ?? Math.max(1, cores),
    shard: flags.shard === undefined ? null : parseShard(flags.shard),
    pointTimeoutMs,
    store: flags.store === undefined ? null : { dir: flags.store, settings },
  };
}
