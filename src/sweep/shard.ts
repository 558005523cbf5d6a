/**
 * Sharding (pure): `--shard I/N` runs the tasks whose position in the plan's task list is
 * I-1 modulo N (1-based I, as Jest and Playwright count shards). Round-robin over the
 * point-major list spreads cheap (early-halting) and expensive points across shards.
 */
import { inputError } from '../errors.js';

/** A shard: 1-based `index` of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `I/N` with 1 ≤ I ≤ N. Throws GclipError `invalid_flag` (exit 2). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw inputError('invalid_flag', {
      path: '',
      message: `Invalid --shard: expected I/N with 1 ≤ I ≤ N, received '${text}'`,
      hint: 'Shards count from 1: --shard 1/4 … --shard 4/4 (Kubernetes and Slurm indices start at 0: add 1).',
      source: '--shard',
    });
  }
  return { index, count };
}

/** The items of `shard` (all of them when shard is null), in their original order. */
export function shardItems<T>(items: readonly T[], shard: Shard | null): T[] {
  if (shard === null) return [...items];
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
