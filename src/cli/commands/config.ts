/** `gclip config validate FILE` and `gclip config print`: check a config, show the resolved one. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { neutralize } from '../../guard/neutralize.js';
import type { CommandContext } from '../program.js';
import { loadRunConfig } from '../load-run-config.js';
import { addTrainingFlags } from './train.js';

interface PrintFlags extends Record<string, unknown> {
  config?: string;
  json?: boolean;
}

/** Registers `config validate` and `config print` on the program. */
export function registerConfig(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('validate a config file, or print the resolved config');
  config
    .command('validate <file>')
    .description('check a config file against the schema (exit 0 valid, 2 invalid, with file:line and a hint per problem)')
    .action(async (file: string) => {
      const { config: resolved } = await loadRunConfig({ config: file }, ctx.io);
      const { model, data, clip } = resolved;
      ctx.io.out(`✔ ${neutralize(file)} is valid (model ${model.kind}, data ${data.kind}, clip ${clip.kind})\n`);
      ctx.setExit(0);
    });
  addTrainingFlags(config.command('print'))
    .description('print the config a run would use: defaults ← file (default: the built-in demo) ← flags')
    .option('--json', 'print JSON instead of YAML')
    .action(async (flags: PrintFlags) => {
      const { config: resolved } = await loadRunConfig(flags, ctx.io);
      const from = flags.config ?? 'the built-in demo';
      ctx.io.out(flags.json ? JSON.stringify(resolved, null, 2) + '\n' : `# resolved from ${from} and flags\n${stringify(resolved)}`);
      ctx.setExit(0);
    });
}
