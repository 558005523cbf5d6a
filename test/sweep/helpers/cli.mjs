// Runs the compiled CLI with `sweep` registered (whether or not program.ts registers it yet),
// as a real process: argv from the command line, stdout/stderr, exit code.
import { createProgram } from '../../../dist/cli/program.js';
import { registerSweep } from '../../../dist/cli/commands/sweep.js';
import { renderError, exitCodeOf } from '../../../dist/cli/render/errors.js';
import { createColor } from '../../../dist/cli/render/color.js';

let code = 0;
const io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  errIsTTY: false,
  outIsTTY: false,
};
const ctx = { io, setExit: (c) => (code = c) };
const program = createProgram(ctx);
if (!program.commands.some((c) => c.name() === 'sweep')) registerSweep(program, ctx);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (e) {
  if (e && e.code && String(e.code).startsWith('commander.')) code = e.exitCode === 0 ? 0 : 2;
  else {
    io.err(renderError(e, { color: createColor({ env: {}, isTTY: false }), debug: true }) + '\n');
    code = exitCodeOf(e);
  }
}
process.exitCode = code;
