/** Text of `gclip sweep status DIR`: totals, the live workers, and one row per cell. */
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { CellStatus, StoreStatus } from '../../sweep/index.js';
import { num } from './format.js';

function label(cell: CellStatus): string {
  const what = cell.strategy === 'none' ? 'unclipped' : cell.threshold !== null ? `max_norm ${num(cell.threshold)}` : cell.strategy;
  return cell.lr === null ? what : `lr ${num(cell.lr)} ${what}`;
}

/** The status report. */
export function renderStoreStatus(s: StoreStatus, c: ChalkInstance): string {
  const stale = s.stale ? c.yellow(`, ${s.stale} with an expired lease (reclaimed by the next worker)`) : '';
  const extra = [s.pruned ? `${s.pruned} pruned` : '', s.failed ? c.red(`${s.failed} unstable`) : ''].filter(Boolean).join(', ');
  const head = `${c.bold(s.name)} in ${s.dir}: ${s.done}/${s.total} runs done, ${s.running} running, ${s.left} left${stale}${extra ? ` (${extra})` : ''}`;
  const workers = s.workers.length ? `workers holding a lease: ${s.workers.join(', ')}` : 'no worker holds a lease';
  const table = new Table({ head: ['cell', 'done', 'running', 'left', 'pruned', 'unstable'].map((h) => c.bold(h)), style: { head: [], border: [] } });
  for (const cell of s.cells) {
    const row = [label(cell), String(cell.done), String(cell.running + cell.stale), String(cell.left), String(cell.pruned), String(cell.failed)];
    table.push(cell.left + cell.running + cell.stale === 0 ? row.map((x) => c.dim(x)) : row);
  }
  const next = s.done === s.total ? `complete: gclip sweep report ${s.dir}` : 'in progress: start more workers with gclip sweep worker --store DIR';
  return [head, c.dim(workers), table.toString(), c.dim(next)].join('\n') + '\n';
}
