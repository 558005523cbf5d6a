/**
 * The lr × max_norm heatmap section of the HTML sweep report: a table whose cells are
 * coloured by stability (green: stable in every seed; amber: in some; red: in none) and
 * carry the final loss; hovering a cell shows the seed spread and each seed's final loss.
 */
import type { SweepHeatmap } from '../view/sweep-heatmap.js';
import { formatNumber } from '../view/index.js';

/** The section's HTML, or '' without a heatmap. `esc` escapes text for HTML (build.ts's escapeHtml). */
export function heatmapHtml(h: SweepHeatmap | null, esc: (text: string) => string): string {
  if (h === null) return '';
  const head = `<thead><tr><th></th>${h.lrs.map((lr) => `<th>lr ${esc(formatNumber(lr))}</th>`).join('')}</tr></thead>`;
  const body = h.rows.map((t, i) => {
    const label = t === null ? 'unclipped' : `max_norm ${formatNumber(t)}`;
    const cells = h.cells[i]!.map((c) => {
      if (c === null) return '<td></td>';
      const colour = c.stableSeeds === c.seeds ? '#d8f0d8' : c.stableSeeds > 0 ? '#fbe8c0' : '#f6d0d0';
      const hover = [`seed spread ±${formatNumber(c.spread)}`, ...c.seedLosses.map((s) => `seed ${s.seed}: ${formatNumber(s.finalLoss)}`)];
      const mark = c.recommended ? ' ★' : '';
      return `<td style="background:${colour}${c.recommended ? ';font-weight:700' : ''}" title="${hover.map(esc).join('\n')}">${c.stableSeeds}/${c.seeds} ${esc(formatNumber(c.finalLoss))}${mark}</td>`;
    });
    return `<tr><th>${esc(label)}</th>${cells.join('')}</tr>`;
  });
  const note = '<p class="note">Each cell: seeds stable / seeds, median final loss; hover for the seed spread and every seed\'s final loss. ★ recommended.</p>';
  return `<section id="heatmap"><h2>Stability map: lr × max_norm</h2><table class="summary heatmap">${head}<tbody>${body.join('')}</tbody></table>${note}</section>`;
}
