/** `gclip config validate FILE` and `gclip config print`: check a config, show the resolved one. */
import type { Command } from 'commander';
import { neutralize } from '../../guard/neutralize.js';
import type { CommandContext } from '../context.js';
import { appliedConfigFlags, registerFlags } from '../flags/register.js';
import { loadRunConfig } from '../load-run-config.js';

/** Registers `config validate` and `config print` on the program. */
export function registerConfig(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('validate a config file, or print the resolved config');
  registerFlags(config.command('validate <file>'), 'config validate')
    .description('check a config file against the schema (exit 0 valid, 2 invalid, with file:line and a hint per problem)')
    .action(async (file: string) => {
      const { config: resolved } = await loadRunConfig(file, {}, ctx.io);
      const { model, data, clip } = resolved;
      ctx.io.out(`✔ ${neutralize(file)} is valid (model ${model.kind}, data ${data.kind}, clip ${clip.kind})\n`);
      ctx.setExit(0);
    });
  registerFlags(config.command('print'), 'config print')
    .description('print the config a run would use: defaults ← file (default: the built-in demo) ← flags')
    .action(async (flags: { config?: string; json?: boolean }, cmd: Command) => {
      const { config: resolved } = await loadRunConfig(flags.config, appliedConfigFlags(cmd, 'config print'), ctx.io);
      const from = flags.config ?? 'the built-in demo';
      const { stringify } = await import('yaml');
      ctx.io.out(flags.json ? JSON.stringify(resolved, null, 2) + '\n' : `# resolved from ${from} and flags\n${stringify(resolved)}`);
      ctx.setExit(0);
    });
}
