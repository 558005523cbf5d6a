/**
 * The lr × max_norm heatmap of a 2-axis sweep (terminal): one row per max_norm (and the
 * unclipped row), one column per learning rate; each cell shows the seeds that stayed
 * stable (k/n) and the final loss, green when stable in every seed, red when it failed in
 * some, the recommended cell bold and marked ◀.
 */
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { PointResult, SweepReport } from '../../sweep/index.js';
import { num } from './format.js';

/** Null when the sweep has no lr axis. */
export function renderHeatmap(report: SweepReport, c: ChalkInstance): string | null {
  const lrs = report.grid.lrs ?? [];
  if (lrs.length === 0) return null;
  const rows: { label: string; match: (p: PointResult) => boolean }[] = [
    { label: 'unclipped', match: (p) => p.strategy === 'none' },
    ...[...report.grid.thresholds].reverse().map((t) => ({ label: `max_norm ${num(t)}`, match: (p: PointResult) => p.strategy === 'norm' && p.threshold === t })),
    ...report.grid.strategies.map((s) => ({ label: s, match: (p: PointResult) => p.strategy === s })),
  ];
  const table = new Table({ head: ['', ...lrs.map((lr) => c.bold(`lr ${num(lr)}`))], style: { head: [], border: [] } });
  for (const row of rows) {
    table.push([row.label, ...lrs.map((lr) => cell(report.points.find((p) => p.lr === lr && row.match(p)), report, c))]);
  }
  return [c.bold('stable seeds and final loss, lr × max_norm'), table.toString()].join('\n');
}

function cell(p: PointResult | undefined, report: SweepReport, c: ChalkInstance): string {
  if (p === undefined) return '';
  const pruned = p.prunedSeeds ? ` (${p.prunedSeeds} pruned)` : '';
  const text = `${p.stableSeeds}/${p.seeds} ${num(p.finalLoss)}${pruned}`;
  if (p.id === report.recommendation.pointId) return c.bold.green(`${text} ◀`);
  return p.stableSeeds === p.seeds ? c.green(text) : c.red(text);
}
