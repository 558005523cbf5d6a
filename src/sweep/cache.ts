/**
 * The sweep cache: one file per (point, seed) task, `<dir>/cache/<key>.json`, keyed by a
 * hash of the task's resolved config. A rerun skips every task whose file exists, so an
 * interrupted sweep continues where it stopped. Crashed runs are stored too (so `sweep
 * merge` reports them as the unsharded sweep does) but a rerun retries them, since a crash
 * may be transient.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { READ_LIMITS } from '../guard/limits.js';
import { readTextBounded } from '../guard/read-bounded.js';
import { decodeNumbers, stringifyWithNonFinite } from '../log/codec.js';
import { writeFileAtomic } from '../report/atomic.js';
import type { SeedResult } from './metrics.js';

/** Bumped whenever SeedResult or its measurement changes, so old cache files are ignored. */
export const CACHE_VERSION = 1;

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return stringifyWithNonFinite(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/**
 * The cache key of a task: sha256 (hex, first 20 chars) of the cache version and the
 * canonical JSON of its config without `log` (where progress goes changes no result).
 */
export function taskKey(config: RunConfig): string {
  const { log: _log, ...rest } = config;
  return createHash('sha256').update(`gclip-sweep-v${CACHE_VERSION}\n${canonicalJson(rest)}`).digest('hex').slice(0, 20);
}

/** Path of a task's cache file inside a sweep directory. */
export function cachePath(dir: string, key: string): string {
  return join(dir, 'cache', `${key}.json`);
}

/** The cached result of `key`, or null when absent, unreadable or from another version. */
export async function readCached(dir: string, key: string): Promise<SeedResult | null> {
  try {
    const data = JSON.parse(await readTextBounded(cachePath(dir, key), READ_LIMITS.sweep), decodeNumbers) as { key?: string; result?: SeedResult };
    return data.key === key && data.result ? data.result : null;
  } catch {
    return null;
  }
}

/** Stores a finished task's result atomically (a kill mid-write leaves no torn file). */
export async function writeCached(dir: string, key: string, result: SeedResult): Promise<void> {
  await writeFileAtomic(cachePath(dir, key), stringifyWithNonFinite({ key, result }) + '\n');
}
