/**
 * `gclip sweep` flags → grid options, jobs and shard (pure). Commander hands raw strings;
 * they are checked here once, with errors naming the flag (exit 2).
 */
import { inputError } from '../errors.js';
import { parseRange, parseThresholds, type GridOptions } from './grid.js';
import { parseShard, type Shard } from './shard.js';

/** The sweep-only flags as commander passes them (strings, or undefined when absent). */
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

function int(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw inputError('invalid_flag', { path: '', message: `Invalid ${flag}: expected a whole number ≥ ${min}, received '${text}'`, hint: `e.g. ${flag} ${Math.max(min, 2)}`, source: flag });
  }
  return n;
}

/** Parses the sweep flags. Throws GclipError `invalid_flag` / `conflicting_flags` (exit 2). */
export function parseSweepFlags(flags: SweepFlags, cores: number): SweepSettings {
  if (flags.thresholds !== undefined && flags.range !== undefined) {
    throw inputError('conflicting_flags', { path: '', message: 'Conflicting flags --thresholds and --range: both choose the thresholds', hint: 'Pass only one of them.', source: '--thresholds, --range' });
  }
  const points = int('--points', flags.points, 2);
  const tolerance = flags.tolerance === undefined ? undefined : Number(flags.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0 && tolerance < 1)) {
    throw inputError('invalid_flag', { path: '', message: `Invalid --tolerance: expected a fraction in [0, 1), received '${flags.tolerance}'`, hint: 'e.g. --tolerance 0.05 (5% of the best final loss)', source: '--tolerance' });
  }
  const grid: GridOptions = {
    thresholds: flags.thresholds === undefined ? undefined : parseThresholds(flags.thresholds),
    range: flags.range === undefined ? undefined : parseRange(flags.range, points),
    seeds: int('--seeds', flags.seeds, 1),
    strategies: flags.strategies?.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    tolerance,
  };
  return { grid, jobs: int('--jobs', flags.jobs, 1) ?? Math.max(1, cores), shard: flags.shard === undefined ? null : parseShard(flags.shard) };
}
