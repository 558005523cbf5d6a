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
}

/** What the flags select. `cores` is the default for --jobs. */
export interface SweepSettings {
  readonly grid: GridOptions;
  readonly jobs: number;
  readonly shard: Shard | null;
}

function checked(key: keyof typeof SWEEP_BOUNDS, text: string | undefined): number | undefined {
  return text === undefined ? undefined : numberFlag(`--${key}`, text, SWEEP_BOUNDS[key]);
}

/** Parses the sweep flags. Throws GclipError `invalid_flag` / `conflicting_flags` (exit 2). */
export function parseSweepFlags(flags: SweepFlags, cores: number): SweepSettings {
  if (flags.thresholds !== undefined && flags.range !== undefined) {
    throw inputError('conflicting_flags', { path: '', message: 'Conflicting flags --thresholds and --range: both choose the thresholds', hint: 'Pass only one of them.', source: '--thresholds, --range' });
  }
  const points = checked('points', flags.points);
  const grid: GridOptions = {
    thresholds: flags.thresholds === undefined ? undefined : parseThresholds(flags.thresholds),
    range: flags.range === undefined ? undefined : parseRange(flags.range, points),
    seeds: checked('seeds', flags.seeds),
    strategies: flags.strategies?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    tolerance: checked('tolerance', flags.tolerance),
  };
  return { grid, jobs: checked('jobs', flags.jobs) ?? Math.max(1, cores), shard: flags.shard === undefined ? null : parseShard(flags.shard) };
}
