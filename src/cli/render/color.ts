/**
 * The chalk instance every renderer uses. Chalk alone ignores NO_COLOR and `--no-color`
 * when handed an explicit stream, so the level is decided here, once, from data.
 */
import { Chalk, type ChalkInstance } from 'chalk';

/** What decides colour: the environment, whether the stream is a terminal, `--no-color`. */
export interface ColorOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
  /** commander's `color` option: false after `--no-color`, otherwise true or undefined. */
  readonly flag?: boolean;
}

/** Chalk colour levels: none, 16 colours, 256 colours, truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * The colour level for one output stream. First match wins:
 * 1. `--no-color` → 0.
 * 2. `FORCE_COLOR`: '0'/'false' → 0, '1'/'2'/'3' → that level, other values ('' or 'true') → 1.
 *    It overrides NO_COLOR, as in Node's own `tty.getColorDepth`.
 * 3. `NO_COLOR` set to a non-empty value → 0 (https://no-color.org).
 * 4. Not a TTY, or `TERM=dumb` → 0.
 * 5. `COLORTERM=truecolor|24bit` → 3; `TERM=*256color*` → 2; otherwise 1.
 */
export function colorLevel(options: ColorOptions): ColorLevel {
  const { env } = options;
  if (options.flag === false) return 0;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined) return forcedLevel(forced);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!options.isTTY || env.TERM === 'dumb') return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  return env.TERM?.includes('256') ? 2 : 1;
}

function forcedLevel(value: string): ColorLevel {
  if (value === '0' || value.toLowerCase() === 'false') return 0;
  if (value === '2' || value === '3') return Number(value) as ColorLevel;
  return 1;
}

/** A chalk instance at `colorLevel(options)`; level 0 returns text unchanged. */
export function createColor(options: ColorOptions): ChalkInstance {
  return new Chalk({ level: colorLevel(options) });
}
