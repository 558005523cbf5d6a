/** `gclip doctor`: which backends load, why tfjs-node did not, and how to fix it. */
import type { Command } from 'commander';
import type { Diagnosis } from '../../runtime/doctor.js';
import { colorsOf, type CommandContext } from '../context.js';
import { registerFlags } from '../flags/register.js';
import type { ChalkInstance } from 'chalk';

function render(d: Diagnosis, c: ChalkInstance): string {
  const lines = [
    `node        ${d.node} (${d.platform})`,
    `cpu         ${d.cpu.model}, ${d.cpu.cores} cores`,
    `wasm SIMD   ${d.wasmSimd ? 'yes' : 'no'}`,
    ...Object.entries(d.packages).map(([p, v]) => `${p.padEnd(32)} ${v ?? c.yellow('not installed')}`),
    '',
    ...d.backends.map((b) => `${b.loaded ? c.green('✔') : c.red('✖')} ${b.name.padEnd(5)} ${b.loaded ? 'loads' : b.error}`),
    '',
    `--backend auto runs on: ${c.bold(d.auto ?? 'nothing')}`,
  ];
  if (d.kernels.length) {
    lines.push('', `gclip's fast kernels on ${d.auto}:`);
    for (const k of d.kernels) lines.push(`${k.active ? c.green('✔') : c.dim('–')} ${k.name.padEnd(36)} ${k.active ? 'active' : 'declined'}: ${k.active ? k.why : k.why.replace(/^declined: /, '')}`);
  }
  if (d.fixes.length) lines.push('', 'To get the native tfjs-node backend:', ...d.fixes.map((f) => `  • ${f}`));
  return lines.join('\n') + '\n';
}

/** Registers `doctor` on the program. */
export function registerDoctor(program: Command, ctx: CommandContext): void {
  registerFlags(program.command('doctor'), 'doctor')
    .description('report which tfjs backends load here, why tfjs-node did not, how to fix it, and which of gclip\'s fast kernels are active')
    .action(async (flags: { json?: boolean }) => {
      const { diagnose } = await import('../../runtime/doctor.js');
      const d = await diagnose();
      ctx.io.out(flags.json ? JSON.stringify(d, null, 2) + '\n' : render(d, (await colorsOf(program, ctx)).out));
      ctx.setExit(d.auto ? 0 : 1);
    });
}
