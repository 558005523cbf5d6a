/** `gclip sweep` and `gclip sweep merge`: flags → plan → parallel sweep → table, chart, JSON → exit code. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../program.js';
import { createColor } from '../render/color.js';
import { loadRunConfig } from '../load-run-config.js';
import { clipSettingFlags } from '../../config/merge.js';
import { inputError } from '../../errors.js';
import { childPath } from '../../guard/out-path.js';
import type { SweepFlags } from '../../sweep/flags.js';
import { addTrainingFlags } from './train.js';

interface SweepCliFlags extends Record<string, unknown>, SweepFlags {
  out?: string;
  json?: boolean;
  quiet?: boolean;
  fresh?: boolean;
}

function colors(program: Command, ctx: CommandContext) {
  const flag = program.opts<{ color?: boolean }>().color;
  return {
    err: createColor({ env: ctx.io.env, isTTY: ctx.io.errIsTTY, flag }),
    out: createColor({ env: ctx.io.env, isTTY: ctx.io.outIsTTY, flag }),
  };
}

/** The grid decides the clip block of every point: a clip flag would be silently ignored. */
function rejectClipFlags(flags: SweepCliFlags): void {
  const given = clipSettingFlags(flags);
  if (given.length === 0) return;
  throw inputError('flag_not_applicable', {
    path: 'clip',
    message: `${given.join(', ')} cannot be used with gclip sweep: the sweep sets the clip block of every point itself`,
    hint: 'Choose thresholds with --thresholds or --range, adaptive rows with --strategies; keep --norm-type to sweep another norm order.',
    source: given.join(', '),
  });
}

/** Registers `sweep` (and its `merge` subcommand) on the program. */
export function registerSweep(program: Command, ctx: CommandContext): void {
  const cmd = addTrainingFlags(program.command('sweep'))
    .description('train one config at many clip thresholds and seeds in parallel, and recommend a max_norm')
    .option('--thresholds <list>', 'comma-separated max norms (default 0.1,0.2,0.3,0.5,1,2,3,5)')
    .option('--range <a:b>', 'log-spaced thresholds from a to b (with --points)')
    .option('--points <n>', 'number of thresholds in --range (default 8)')
    .option('--seeds <n>', 'seeds per point (default 3)')
    .option('--strategies <list>', 'adaptive rows to add, e.g. autoclip,zclip,agc')
    .option('--tolerance <x>', 'relative final-loss tolerance of the rule (default 0.05)')
    .option('-j, --jobs <n>', 'parallel worker processes (default: number of cores)')
    .option('--shard <i/n>', 'run shard i of n (1-based); combine with `gclip sweep merge`')
    .option('-o, --out <dir>', 'sweep directory: plan, cache, sweep.json (default sweeps/<name>)')
    .option('--fresh', 'ignore cached results and rerun every point')
    .option('--json', 'print the report as one JSON object on stdout, nothing else')
    .option('-q, --quiet', 'no progress output')
    .action(async (flags: SweepCliFlags) => {
      rejectClipFlags(flags);
      const { config } = await loadRunConfig(flags, ctx.io);
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep.js');
      const settings = core.parseSweepFlags(flags, availableParallelism());
      const plan = core.buildSweepPlan(config, settings.grid);
      const c = colors(program, ctx);
      const outDir = flags.out !== undefined ? resolve(ctx.io.cwd, flags.out) : childPath(resolve(ctx.io.cwd, 'sweeps'), config.name, 'name');
      const progress = render.createSweepProgress({ io: ctx.io, color: c.err, quiet: Boolean(flags.quiet) });
      const outcome = await core.sweep(plan, { outDir, jobs: settings.jobs, fresh: Boolean(flags.fresh), shard: settings.shard, signal: ctx.io.signal, onProgress: progress.update });
      progress.done();
      if (outcome.kind !== 'report') {
        ctx.io.err(render.renderPartial(outcome, outDir, c.err));
        return ctx.setExit(outcome.kind === 'interrupted' ? 1 : 0);
      }
      ctx.io.out(flags.json ? render.reportJson(outcome.report) : render.renderSweepReport(outcome.report, { color: c.out, dir: outDir }));
      ctx.setExit(core.reportExitCode(outcome.report));
    });
  cmd
    .command('merge <dirs...>')
    .description('combine the directories of sharded sweeps into one report (the same as an unsharded sweep)')
    .option('-o, --out <dir>', 'where to write sweep.json (default: the first directory)')
    .option('--json', 'print the report as one JSON object on stdout, nothing else')
    .action(async (dirs: string[], own: { out?: string; json?: boolean }) => {
      // Without positional options on the program, `sweep` parses --out/--json after `merge` itself.
      const flags = { ...cmd.opts<{ out?: string; json?: boolean }>(), ...own };
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep.js');
      const outDir = resolve(ctx.io.cwd, flags.out ?? dirs[0]!);
      const report = await core.mergeSweepDirs(dirs.map((d) => resolve(ctx.io.cwd, d)), { outDir });
      ctx.io.out(flags.json ? render.reportJson(report) : render.renderSweepReport(report, { color: colors(program, ctx).out, dir: outDir }));
      ctx.setExit(core.reportExitCode(report));
    });
}
