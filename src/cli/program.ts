/**
 * createProgram(io): a fresh commander program per call (tests build one per case), with
 * output routed through `io` and commander's own exits turned into return values.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CommandContext } from './context.js';
import type { CliIO } from './io.js';
import { registerTrain } from './commands/train.js';
import { registerDoctor } from './commands/doctor.js';
import { registerSweep } from './commands/sweep.js';
import { registerReport } from './commands/report.js';
import { registerCheck } from './commands/check.js';
import { registerInit } from './commands/init.js';
import { registerConfig } from './commands/config.js';
import { registerReplay } from './commands/replay.js';
import { renderError, exitCodeOf } from './render/errors.js';
import { neutralizeLines } from '../guard/neutralize.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok: the run was stable / the check passed
  1  unstable: non-finite values, divergence or a halt / the check failed
  2  bad usage or bad input (config, flags, data, model)
  3  internal error (please report it; --debug shows the stack)
  4  gclip replay: the recomputed step differs from the log (beyond the tolerance)`;

/** gclip's version, from the package.json two folders above this module (src/cli or dist/cli). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Builds the program. Each command registers itself from `commands/<name>.ts`. */
export function createProgram(ctx: CommandContext): Command {
  const program = new Command('gclip')
    .description('Gradient-clipping diagnostics for TensorFlow.js: log per-step gradient norms, catch NaN/Inf and explosions, pick a clip threshold, gate CI on stability.')
    .version(packageVersion(), '-V, --version', 'print the gclip version')
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .option('--debug', 'print stack traces of internal errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.out, writeErr: (text) => ctx.io.err(neutralizeLines(text)) });
  registerTrain(program, ctx);
  registerSweep(program, ctx);
  registerCheck(program, ctx);
  registerReport(program, ctx);
  registerInit(program, ctx);
  registerConfig(program, ctx);
  registerDoctor(program, ctx);
  registerReplay(program, ctx);
  return program;
}

/** Parses `argv` (without node and script), runs the command, returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = createProgram({ io, setExit: (c) => (code = c) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const opts = program.opts<{ color?: boolean; debug?: boolean }>();
    const { createColor } = await import('./render/color.js');
    const color = createColor({ env: io.env, isTTY: io.errIsTTY, flag: opts.color });
    io.err(renderError(e, { color, debug: Boolean(opts.debug) }) + '\n');
    return exitCodeOf(e);
  }
}
