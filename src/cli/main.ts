/**
 * The process boundary: argv, stdio, signals, exit code. Nothing else in gclip touches
 * `process` directly; nothing calls `process.exit`.
 */
import { runCli } from './program.js';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++;
    // A second Ctrl-C means "now": leave with the conventional code.
    if (interrupts > 1) process.kill(process.pid, 'SIGKILL');
    controller.abort();
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errStream: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  errIsTTY: Boolean(process.stderr.isTTY),
  outIsTTY: Boolean(process.stdout.isTTY),
  signal: controller.signal,
});
