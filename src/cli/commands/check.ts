/** `gclip check`: train a config (or read a log) → judge against `check:` → table/JSON/JUnit/annotations → exit code. */
import type { Command } from 'commander';
import { numberFlag } from '../../config/bounds.js';
import { colorsOf, type CommandContext } from '../context.js';
import { appliedConfigFlags, registerFlags } from '../flags/register.js';
import { CHECK } from '../flags/own-flags.js';
import { loadRunConfig } from '../load-run-config.js';
import type { CheckPlan } from '../run-check.js';

interface CheckFlags extends Record<string, unknown> {
  config?: string;
  log?: string;
  format?: 'gclip' | 'csv' | 'hf';
  clippedAt?: string;
  maxGradNorm?: string;
  baseline?: string;
  junit?: string;
  json?: boolean;
  quiet?: boolean;
  overwrite?: boolean;
}

/** `--loss-column objective` → `{ loss: 'objective' }`: a column flag's key names its column. */
function columnsOf(flags: CheckFlags): Record<string, string> {
  return Object.fromEntries(
    Object.entries(flags).flatMap(([key, value]) => (key.endsWith('Column') && typeof value === 'string' ? [[key.slice(0, -'Column'.length), value]] : [])),
  );
}

/** Flags → a validated plan (criteria from the config's `check:` block, or the defaults). */
async function planOf(flags: CheckFlags, cmd: Command, ctx: CommandContext): Promise<CheckPlan> {
  const common = { baseline: flags.baseline, junit: flags.junit, json: Boolean(flags.json) };
  if (flags.log !== undefined) {
    // Without --config: the defaults (the demo has no check: block), with the check flags applied.
    const criteria = (await loadRunConfig(flags.config, appliedConfigFlags(cmd, 'check'), ctx.io)).config.check;
    const given = flags.maxGradNorm ?? flags.clippedAt;
    const name = flags.maxGradNorm === undefined ? CHECK.clippedAt.name : CHECK.maxGradNorm.name;
    const clipNorm = given === undefined ? undefined : numberFlag(name, given, CHECK.maxGradNorm.bounds);
    const options = { ...(flags.format ? { format: flags.format } : {}), ...(clipNorm ? { clipNorm } : {}), columns: columnsOf(flags) };
    return { ...common, criteria, input: { kind: 'log', file: flags.log, options } };
  }
  const { config, provenance } = await loadRunConfig(flags.config, appliedConfigFlags(cmd, 'check'), ctx.io);
  const input = { kind: 'run', config, provenance, source: flags.config ?? 'configs/demo.yaml (built-in demo)', overwrite: Boolean(flags.overwrite), quiet: Boolean(flags.quiet) } as const;
  return { ...common, criteria: config.check, input };
}

/** Registers `check` on the program. */
export function registerCheck(program: Command, ctx: CommandContext): void {
  registerFlags(program.command('check'), 'check')
    .description('gate CI on training stability: train a short run (--config) or read a log (--log), judge it against the check: criteria; exit 0 pass, 1 fail, 2 bad input')
    .addHelpText('after', '\nUnder GitHub Actions (GITHUB_ACTIONS=true) failed criteria are also printed as ::error commands\nand a Markdown table is appended to $GITHUB_STEP_SUMMARY. See docs/ci.md.')
    .action(async (flags: CheckFlags, cmd: Command) => {
      const plan = await planOf(flags, cmd, ctx);
      const { runCheckCommand } = await import('../run-check.js');
      const color = await colorsOf(program, ctx);
      ctx.setExit(await runCheckCommand(plan, { io: ctx.io, errColor: color.err, outColor: color.out }));
    });
}
