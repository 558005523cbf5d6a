/** What every command's action gets from the program: the process boundary and the exit code. */
import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** Shared state between a command's action and `runCli`. */
export interface CommandContext {
  readonly io: CliIO;
  /** Set by the action: the process exit code. */
  setExit(code: number): void;
}

/**
 * Colour for stderr (`err`) and stdout (`out`), from the env, the TTYs and the program's
 * `--no-color`. Chalk loads here, in an action, not when `--help` runs.
 */
export async function colorsOf(program: Command, ctx: CommandContext): Promise<{ err: ChalkInstance; out: ChalkInstance }> {
  const { createColor } = await import('./render/color.js');
  const flag = program.opts<{ color?: boolean }>().color;
  return {
    err: createColor({ env: ctx.io.env, isTTY: ctx.io.errIsTTY, flag }),
    out: createColor({ env: ctx.io.env, isTTY: ctx.io.outIsTTY, flag }),
  };
}
