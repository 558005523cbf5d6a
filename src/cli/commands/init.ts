/** `gclip init`: write a starter config from a template; never overwrite without --force. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { inputError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { registerFlags } from '../flags/register.js';
import { templatePath, TEMPLATES, type TemplateName } from '../templates/registry.js';

interface InitFlags {
  template: TemplateName;
  out: string;
  force?: boolean;
}

function checkTarget(out: string, target: string, force: boolean): void {
  if (!/\.(ya?ml|json)$/i.test(out)) {
    throw inputError('unsupported_config_format', {
      path: '',
      message: `cannot write a config to '${out}': expected a .yaml, .yml or .json file name`,
      hint: 'Pass --out with a .yaml extension, e.g. --out gclip.yaml.',
      source: '--out',
    });
  }
  if (!force && existsSync(target)) {
    throw inputError('file_exists', {
      path: '',
      message: `${out} already exists; gclip init does not overwrite it`,
      hint: 'Pass --force to replace it, or choose another file with --out.',
      source: '--out',
    });
  }
}

/** Registers `init` on the program. */
export function registerInit(program: Command, ctx: CommandContext): void {
  const about = Object.entries(TEMPLATES).map(([name, t]) => `  ${name.padEnd(9)} ${t.about}`).join('\n');
  registerFlags(program.command('init'), 'init')
    .description('write a starter config file')
    .addHelpText('after', `\nTemplates:\n${about}`)
    .action(async (flags: InitFlags) => {
      const target = resolve(ctx.io.cwd, flags.out);
      checkTarget(flags.out, target, Boolean(flags.force));
      const text = await readFile(templatePath(flags.template), 'utf8');
      const [{ renderTemplate }, { writeFileAtomic }] = await Promise.all([import('../templates/render.js'), import('../../report/atomic.js')]);
      await writeFileAtomic(target, renderTemplate(text, target));
      const next = flags.template === 'ci-check' ? 'gclip check' : 'gclip train';
      ctx.io.out(`✔ wrote ${flags.out} (template ${flags.template})\n  next: ${next} --config ${flags.out}\n`);
      ctx.setExit(0);
    });
}
