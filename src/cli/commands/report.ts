/** `gclip report PATH`: load a run or sweep → report model → terminal charts, optional HTML file. */
import type { Command } from 'commander';
import { describeNumber, parseDecimal, withinBounds } from '../../config/bounds.js';
import { inputError } from '../../errors.js';
import { colorsOf, type CommandContext } from '../context.js';
import { registerFlags } from '../flags/register.js';
import { REPORT } from '../flags/own-flags.js';

/** Flags of `gclip report`. */
export interface ReportFlags {
  html?: string;
  width?: string;
  maxGradNorm?: string;
  json?: boolean;
}

function chartWidth(text: string | undefined): number {
  const { bounds, shownDefault } = REPORT.width;
  if (text === undefined) return shownDefault;
  const n = parseDecimal(text);
  if (n !== undefined && withinBounds(n, bounds)) return n;
  throw inputError('invalid_flag', { path: 'width', message: `--width must be ${describeNumber(bounds)}, received ${JSON.stringify(text)}`, source: '--width', hint: 'Use e.g. --width 100.' });
}

/** Registers `report` on the program. */
export function registerReport(program: Command, ctx: CommandContext): void {
  registerFlags(program.command('report'), 'report')
    .description('summarise a run directory, steps.jsonl (or CSV / trainer_state.json log) or sweep.json with terminal charts; --html writes a self-contained HTML report')
    .argument('<path>', 'run directory, step log or sweep.json')
    .action(async (path: string, flags: ReportFlags) => {
      const width = chartWidth(flags.width);
      const { resolve } = await import('node:path');
      if (flags.html) (await import('../../guard/out-path.js')).checkOutputFile(resolve(ctx.io.cwd, flags.html), '--html');
      const view = await import('../../report/view/index.js');
      const { numberFlag } = await import('../../config/bounds.js');
      const clipNorm = flags.maxGradNorm === undefined ? undefined : numberFlag(REPORT.maxGradNorm.name, flags.maxGradNorm, REPORT.maxGradNorm.bounds);
      const input = await view.loadReportInput(path, (await import('../fs-access.js')).fsAccess(ctx.io.cwd), clipNorm === undefined ? {} : { clipNorm });
      if (input.kind === 'run' && input.notes?.length) {
        const { neutralize } = await import('../../guard/neutralize.js');
        const warn = (await colorsOf(program, ctx)).err.yellow;
        for (const note of input.notes) ctx.io.err(warn(`! ${neutralize(note)}`) + '\n');
      }
      const report = view.buildReport(input);
      const render = await import('../render/report.js');
      const c = (await colorsOf(program, ctx)).out;
      if (flags.json) ctx.io.out(render.renderReportJson(report));
      else ctx.io.out(input.kind === 'run' && report.kind === 'run'
        ? render.renderRunReport(report, view.buildTerminalCharts(report.records, width), c)
        : report.kind === 'sweep' ? render.renderSweepView(report, view.buildTerminalSweep(report.chart, width), c) : '');
      if (flags.html) await writeHtml(resolve(ctx.io.cwd, flags.html), report, ctx);
      ctx.setExit(0);
    });
}

async function writeHtml(file: string, report: import('../../report/view/index.js').Report, ctx: CommandContext): Promise<void> {
  const { buildHtmlReport, loadChartAssets } = await import('../../report/html/index.js');
  const { readFile } = await import('node:fs/promises');
  const { writeFileAtomic } = await import('../../report/atomic.js');
  const html = buildHtmlReport(report, await loadChartAssets((p) => readFile(p, 'utf8')));
  await writeFileAtomic(file, html);
  ctx.io.err(`HTML report: ${(await import('../../guard/neutralize.js')).neutralize(file)} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`);
}
