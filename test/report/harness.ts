/**
 * Runs `gclip report` in-process through commander, as `runCli` does, with captured
 * output. Uses `registerReport` directly so the command is tested before (and after) it
 * is wired into `createProgram`.
 */
import { Command, CommanderError } from 'commander';
import { registerReport } from '../../src/cli/commands/report.js';
import { exitCodeOf, renderError } from '../../src/cli/render/errors.js';
import { createColor } from '../../src/cli/render/color.js';

/** What a run printed and returned. */
export interface ReportRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `gclip report ...args` with `cwd` as the working directory. */
export async function runReport(args: readonly string[], cwd = process.cwd()): Promise<ReportRun> {
  let out = '', err = '', code = 0;
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), env: {}, cwd, errIsTTY: false, outIsTTY: false };
  const program = new Command('gclip').option('--no-color').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  registerReport(program, { io, setExit: (c) => (code = c) });
  try {
    await program.parseAsync(['report', ...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    err += renderError(e, { color: createColor({ env: {}, isTTY: false }), debug: false }) + '\n';
    code = exitCodeOf(e);
  }
  return { code, out, err };
}
