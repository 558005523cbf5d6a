/** `gclip sweep worker|status|report`: the commands of a shared sweep store (`gclip sweep --store DIR`). */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { inputError } from '../../errors.js';
import { colorsOf, type CommandContext } from '../context.js';
import { registerFlags } from '../flags/register.js';

/** Registers the store subcommands under `sweep`. */
export function registerStoreCommands(sweep: Command, program: Command, ctx: CommandContext): void {
  registerFlags(sweep.command('worker'), 'sweep worker')
    .description('work on a shared sweep store: claim tasks until every one has a result (any number of workers, on any machines)')
    .action(async (own: { store?: string; jobs?: string; quiet?: boolean }) => {
      const flags = { ...sweep.opts<{ store?: string; jobs?: string; quiet?: boolean }>(), ...own };
      if (flags.store === undefined) {
        throw inputError('invalid_flag', { path: '', message: 'gclip sweep worker needs --store DIR', hint: 'Create a store with gclip sweep -c CONFIG --store DIR, then start workers with gclip sweep worker --store DIR.', source: '--store' });
      }
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep.js');
      const dir = resolve(ctx.io.cwd, flags.store);
      const store = await core.openStore(dir);
      const { jobs } = core.parseSweepFlags({ jobs: flags.jobs }, availableParallelism());
      const color = await colorsOf(program, ctx);
      const progress = render.createSweepProgress({ io: ctx.io, color: color.err, quiet: Boolean(flags.quiet) });
      const outcome = await core.workStore(store, { jobs, signal: ctx.io.signal, onProgress: progress.update });
      progress.done();
      if (outcome.kind === 'report') ctx.io.err(color.err.dim(`store complete: ${outcome.report.points.length} cells; report in ${dir}/sweep.json (gclip sweep report ${flags.store})\n`));
      ctx.setExit(outcome.kind === 'interrupted' ? 1 : 0);
    });
  registerFlags(sweep.command('status <dir>'), 'sweep status')
    .description('progress of a shared sweep store: done, running, left, per cell')
    .action(async (dir: string, own: { json?: boolean }) => {
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep-store.js');
      const status = await core.storeStatus(resolve(ctx.io.cwd, dir));
      ctx.io.out(own.json ?? sweep.opts<{ json?: boolean }>().json ? JSON.stringify(status) + '\n' : render.renderStoreStatus(status, (await colorsOf(program, ctx)).out));
    });
  registerFlags(sweep.command('report <dir>'), 'sweep report')
    .description('the report of a shared sweep store (every task must have a result; see gclip sweep status)')
    .action(async (dir: string, own: { out?: string; json?: boolean }) => {
      const flags = { ...sweep.opts<{ out?: string; json?: boolean }>(), ...own };
      const core = await import('../../sweep/index.js');
      const render = await import('../render/sweep.js');
      const outDir = resolve(ctx.io.cwd, flags.out ?? dir);
      const report = await core.mergeSweepDirs([resolve(ctx.io.cwd, dir)], { outDir });
      ctx.io.out(flags.json ? render.reportJson(report) : render.renderSweepReport(report, { color: (await colorsOf(program, ctx)).out, dir: outDir }));
      ctx.setExit(core.reportExitCode(report));
    });
}
