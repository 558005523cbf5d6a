/**
 * The process boundary: argv, stdio, signals, exit code. Nothing else in gclip touches
 * `process` directly; nothing calls `process.exit` but the second signal here.
 *
 * SIGINT/SIGTERM abort the command's signal (reason: the signal's name): a run finishes
 * its current step, flushes its sinks, writes `summary.json` with status `interrupted`
 * and a checkpoint, and gclip exits 130 (SIGINT) or 143 (SIGTERM), whatever the command
 * returned. A second signal exits at once with the same code.
 *
 * A closed stdout or stderr (a pipe reader that left: `gclip train … | head`) is dropped
 * and the command runs to its normal end and exit code (stdio.ts).
 */
import { runCli } from './program.js';
import { createStdWriter } from './stdio.js';

/** Conventional exit codes of a process stopped by a signal: 128 + its number. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

const controller = new AbortController();
let received: keyof typeof SIGNAL_EXIT | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal means "now": leave with the conventional code of the first.
    // eslint-disable-next-line no-restricted-properties -- the one place a signal must end the process at once.
    if (received !== null) process.exit(SIGNAL_EXIT[received]);
    received = signal;
    controller.abort(signal);
  });
}

const stdout = createStdWriter(process.stdout);
const stderr = createStdWriter(process.stderr);
const code = await runCli(process.argv.slice(2), {
  out: stdout.write,
  err: stderr.write,
  errStream: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  errIsTTY: Boolean(process.stderr.isTTY),
  outIsTTY: Boolean(process.stdout.isTTY),
  signal: controller.signal,
});
process.exitCode = received === null ? code : SIGNAL_EXIT[received];
