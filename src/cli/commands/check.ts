/** `gclip check`: train a config (or read a log) → judge against `check:` → table/JSON/JUnit/annotations → exit code. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkSchema } from '../../config/check-schema.js';
import { inputError } from '../../errors.js';
import type { CommandContext } from '../program.js';
import type { CheckPlan } from '../run-check.js';
import { createColor } from '../render/color.js';
import { loadRunConfig } from '../load-run-config.js';
import { addTrainingFlags } from './train.js';

interface CheckFlags extends Record<string, unknown> {
  config?: string;
  log?: string;
  format?: 'gclip' | 'csv' | 'hf';
  clippedAt?: number;
  baseline?: string;
  junit?: string;
  json?: boolean;
  quiet?: boolean;
  overwrite?: boolean;
}

/** Log-only flags (commander key → column option). */
const COLUMNS = { stepColumn: 'step', lossColumn: 'loss', gradNormColumn: 'gradNorm', lrColumn: 'lr', valLossColumn: 'valLoss' } as const;
const LOG_ONLY = ['format', 'clippedAt', ...Object.keys(COLUMNS)];
const TRAIN_ONLY = ['model', 'data', 'clip', 'clipNorm', 'clipValue', 'normType', 'steps', 'epochs', 'lr', 'optimizer', 'batchSize', 'seed', 'backend', 'onNonfinite', 'name', 'out', 'overwrite'];

function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number, e.g. 1.0');
  return n;
}

const kebab = (key: string): string => `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;

/** Flags given that only make sense in the other mode → exit 2 naming them. */
function rejectFlags(flags: CheckFlags, keys: readonly string[], why: string, hint: string): void {
  const given = keys.filter((k) => flags[k] !== undefined).map(kebab);
  if (given.length === 0) return;
  const verb = given.length === 1 ? 'applies' : 'apply';
  throw inputError('flag_not_applicable', { path: '', message: `${given.join(', ')} ${verb} ${why}`, hint, source: given.join(', ') });
}

/** Flags → a validated plan (criteria from the config's `check:` block, or the defaults). */
async function planOf(flags: CheckFlags, ctx: CommandContext): Promise<CheckPlan> {
  const common = { baseline: flags.baseline, junit: flags.junit, json: Boolean(flags.json) };
  if (flags.log !== undefined) {
    rejectFlags(flags, TRAIN_ONLY, 'only when training (--config without --log)', 'Drop them: with --log nothing is trained.');
    const criteria = flags.config === undefined ? checkSchema.parse({}) : (await loadRunConfig({ config: flags.config }, ctx.io)).config.check;
    const columns = Object.fromEntries(Object.entries(COLUMNS).flatMap(([k, field]) => (typeof flags[k] === 'string' ? [[field, flags[k]]] : [])));
    const options = { ...(flags.format ? { format: flags.format } : {}), ...(flags.clippedAt ? { clipNorm: flags.clippedAt } : {}), columns };
    return { ...common, criteria, input: { kind: 'log', file: flags.log, options } };
  }
  rejectFlags(flags, LOG_ONLY, 'only to --log', 'Add --log FILE, or drop them when training a config.');
  const { config } = await loadRunConfig(flags, ctx.io);
  const input = { kind: 'run', config, source: flags.config ?? 'configs/demo.yaml (built-in demo)', overwrite: Boolean(flags.overwrite), quiet: Boolean(flags.quiet) } as const;
  return { ...common, criteria: config.check, input };
}

/** Registers `check` on the program. */
export function registerCheck(program: Command, ctx: CommandContext): void {
  addTrainingFlags(program.command('check'))
    .description('gate CI on training stability: train a short run (--config) or read a log (--log), judge it against the check: criteria; exit 0 pass, 1 fail, 2 bad input')
    .option('--log <file>', 'judge an existing log instead of training: gclip steps.jsonl, CSV (Lightning metrics.csv) or HF trainer_state.json; criteria from --config if given')
    .addOption(new Option('--format <format>', 'log format (default: from the extension, then the content)').choices(['gclip', 'csv', 'hf']))
    .option('--step-column <name>', 'CSV column holding the step (default: step, global_step, ...)')
    .option('--loss-column <name>', 'CSV column holding the training loss (default: loss, train_loss, ...)')
    .option('--grad-norm-column <name>', 'CSV column holding the pre-clip gradient norm (default: grad_norm, grad_2.0_norm_total, ...)')
    .option('--lr-column <name>', 'CSV column holding the learning rate')
    .option('--val-loss-column <name>', 'CSV column holding the validation loss')
    .option('--clipped-at <x>', 'with --log: the max norm the logged run clipped at (e.g. HF max_grad_norm); steps above it count as clipped', positiveNumber)
    .option('--baseline <summary.json>', "fail when final loss or grad-norm median/p90 are worse than this earlier run's summary (tolerances in check.baseline)")
    .option('--junit <file>', 'also write the verdict as JUnit XML (one test case per criterion)')
    .option('--json', 'print one JSON object {passed, steps, criteria[...]} on stdout, nothing else')
    .option('-o, --out <dir>', 'keep the run directory of the trained run (steps.jsonl, summary.json)')
    .option('--overwrite', 'replace an earlier run in --out')
    .option('-q, --quiet', 'no progress output while training')
    .addHelpText('after', '\nUnder GitHub Actions (GITHUB_ACTIONS=true) failed criteria are also printed as ::error commands\nand a Markdown table is appended to $GITHUB_STEP_SUMMARY. See docs/ci.md.')
    .action(async (flags: CheckFlags) => {
      const plan = await planOf(flags, ctx);
      const { runCheckCommand } = await import('../run-check.js');
      const color = program.opts<{ color?: boolean }>().color;
      const errColor = createColor({ env: ctx.io.env, isTTY: ctx.io.errIsTTY, flag: color });
      const outColor = createColor({ env: ctx.io.env, isTTY: ctx.io.outIsTTY, flag: color });
      ctx.setExit(await runCheckCommand(plan, { io: ctx.io, errColor, outColor }));
    });
}
