/** `gclip sweep` and `gclip sweep merge` (the store's worker, status and report: sweep-store.ts): flags → plan → parallel sweep → table, chart, JSON → exit code. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { childPath } from '../../guard/out-path.js';
import type { SweepFlags } from '../../sweep/flags.js';
import { colorsOf, type CommandContext } from '../context.js';
import { appliedConfigFlags, registerFlags } from '../flags/register.js';
import { loadRunConfig } from '../load-run-config.js';
import { registerStoreCommands } from './sweep-store.js';

interface SweepCliFlags extends SweepFlags {
  config?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  fresh?: boolean;
}

/** Registers `sweep` (and its `merge` subcommand) on the program. */
export function registerSweep(program: Command, ctx: CommandContext): void {
  const cmd = registerFlags(program.command('sweep'), 'sweep')
    .description('train one config at many clip thresholds and seeds in parallel, and recommend a max_norm')
    .action(async (flags: SweepCliFlags) => {
      const { config } = await loadRunConfig(flags.config, appliedConfigFlags(cmd, 'sweep'), ctx.io);
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep.js');
      const settings = core.parseSweepFlags(flags, availableParallelism());
      const plan = core.buildSweepPlan(config, settings.grid);
      const color = await colorsOf(program, ctx);
      const given = settings.store?.dir ?? flags.out;
      const outDir = given !== undefined ? resolve(ctx.io.cwd, given) : childPath(resolve(ctx.io.cwd, 'sweeps'), config.name, 'name');
      const progress = render.createSweepProgress({ io: ctx.io, color: color.err, quiet: Boolean(flags.quiet) });
      const run = { jobs: settings.jobs, signal: ctx.io.signal, onProgress: progress.update };
      const outcome = settings.store
        ? await core.workStore(await core.initStore(outDir, plan, settings.store.settings), run)
        : await core.sweep(plan, { ...run, outDir, fresh: Boolean(flags.fresh), shard: settings.shard, pointTimeoutMs: settings.pointTimeoutMs });
      progress.done();
      if (outcome.kind !== 'report') {
        ctx.io.err(render.renderPartial(outcome, outDir, color.err));
        // --json readers get the status too (the exit code is 130/143 after a signal, see cli/main).
        if (flags.json && outcome.kind === 'interrupted') ctx.io.out(JSON.stringify({ status: 'interrupted', done: outcome.done, total: outcome.total }) + '\n');
        return ctx.setExit(outcome.kind === 'interrupted' ? 1 : 0);
      }
      ctx.io.out(flags.json ? render.reportJson(outcome.report) : render.renderSweepReport(outcome.report, { color: color.out, dir: outDir }));
      ctx.setExit(core.reportExitCode(outcome.report));
    });
  registerFlags(cmd.command('merge <dirs...>'), 'sweep merge')
    .description('combine the directories of sharded sweeps into one report (the same as an unsharded sweep)')
    .action(async (dirs: string[], own: { out?: string; json?: boolean }) => {
      // `sweep` also knows --out/--json and parses them wherever they stand, `merge` or not.
      const flags = { ...cmd.opts<{ out?: string; json?: boolean }>(), ...own };
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep.js');
      const outDir = resolve(ctx.io.cwd, flags.out ?? dirs[0]!);
      const report = await core.mergeSweepDirs(dirs.map((d) => resolve(ctx.io.cwd, d)), { outDir });
      ctx.io.out(flags.json ? render.reportJson(report) : render.renderSweepReport(report, { color: (await colorsOf(program, ctx)).out, dir: outDir }));
      ctx.setExit(core.reportExitCode(report));
    });
  registerStoreCommands(cmd, program, ctx);
}
