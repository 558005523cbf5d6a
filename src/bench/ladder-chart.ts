/**
 * The size ladder's log-log chart: ms per step against parameters, one colour per series
 * (gclip on each backend, JAX + optax on one and on all threads, PyTorch, the hardware
 * limit), one marker per family (MLP, LSTM T=20/50, CNN 16²/32²), the points of a series
 * and family joined. An SVG document built with xmlbuilder2 (which escapes text), so it is
 * well-formed by construction; each point carries `data-series`, `data-model`, `data-ms`
 * and a `<title>` tooltip.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { LADDER, rungFamily } from './ladder.js';
import type { LadderRow } from './ladder-report.js';

const W = 820;
const H = 480;
const PAD = { left: 64, right: 210, top: 36, bottom: 52 };
/** Series in legend order, each with its colour (the same in every chart). */
const SERIES: ReadonlyArray<[string, string]> = [
  ['gclip wasm', '#1f77b4'],
  ['gclip node', '#ff7f0e'],
  ['gclip cpu', '#8c564b'],
  ['JAX + optax, 1 thread', '#d62728'],
  ['JAX + optax, all threads', '#e377c2'],
  ['PyTorch, 1 thread', '#9467bd'],
  ['hardware limit', '#2ca02c'],
];
const colourOf = (s: string) => SERIES.find(([name]) => name === s)?.[1] ?? '#555555';
const rank = (s: string) => ((i) => (i < 0 ? SERIES.length : i))(SERIES.findIndex(([name]) => name === s));
const FAMILIES = ['MLP', 'LSTM T=20', 'LSTM T=50', 'CNN 16×16', 'CNN 32×32'];

/** One plotted point. */
export interface ChartPoint {
  readonly series: string;
  readonly model: string;
  readonly family: string;
  readonly params: number;
  readonly ms: number;
}

/**
 * The points of `rows`: gclip per backend, and once per rung the references and the limit
 * (they do not depend on the backend). Null and non-positive times are left out.
 */
export function chartPoints(rows: readonly LadderRow[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const rung = LADDER.find((x) => x.id === r.model);
    const family = rung ? rungFamily(rung) : r.model;
    const add = (series: string, ms: number | null) => {
      const key = `${series}/${r.model}`;
      if (ms === null || !(ms > 0) || seen.has(key)) return;
      seen.add(key);
      points.push({ series, model: r.model, family, params: r.params, ms });
    };
    add(`gclip ${r.backend}`, r.gclipMs);
    add('JAX + optax, 1 thread', r.jaxMs);
    add('JAX + optax, all threads', r.jaxAllThreadsMs);
    add('PyTorch, 1 thread', r.pytorchMs);
    add('hardware limit', r.limitMs);
  }
  return points;
}

/** Decades [10^lo, 10^hi] that hold every value. */
function decades(values: readonly number[]): [number, number] {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return [lo, hi > lo ? hi : lo + 1];
}

const label = (exp: number, unit = '') => {
  const v = 10 ** exp;
  const text = v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : exp < 0 ? v.toFixed(-exp) : String(v);
  return `${text}${unit}`;
};

/** A marker of `family`'s shape centred on (x, y). */
function marker(parent: XMLBuilder, family: number, x: number, y: number, colour: string): XMLBuilder {
  const r = 4.5;
  const style = { fill: colour, stroke: '#ffffff', 'stroke-width': '0.8' };
  const polygon = (pts: Array<[number, number]>) => parent.ele('polygon', { points: pts.map(([a, b]) => `${(x + a).toFixed(1)},${(y + b).toFixed(1)}`).join(' '), ...style });
  switch (family) {
    case 0:
      return parent.ele('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: String(r), ...style });
    case 1:
      return parent.ele('rect', { x: (x - r).toFixed(1), y: (y - r).toFixed(1), width: String(2 * r), height: String(2 * r), ...style });
    case 2:
      return polygon([[0, -r - 1], [r + 1, 0], [0, r + 1], [-r - 1, 0]]);
    case 3:
      return polygon([[0, -r - 1], [r + 1, r], [-r - 1, r]]);
    default:
      return polygon([[0, r + 1], [r + 1, -r], [-r - 1, -r]]);
  }
}

/** The chart of `rows` as an SVG document; `caption` is its title line. */
export function renderLadderChart(rows: readonly LadderRow[], caption: string): string {
  const points = chartPoints(rows);
  const series = [...new Set(points.map((p) => p.series))].sort((a, b) => rank(a) - rank(b));
  const [x0, x1] = decades(points.length ? points.map((p) => p.params) : [1e3, 1e6]);
  const [y0, y1] = decades(points.length ? points.map((p) => p.ms) : [0.1, 100]);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const px = (v: number) => PAD.left + ((Math.log10(v) - x0) / (x1 - x0)) * plotW;
  const py = (v: number) => PAD.top + plotH - ((Math.log10(v) - y0) / (y1 - y0)) * plotH;
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const svg = doc.ele('http://www.w3.org/2000/svg', 'svg', { width: String(W), height: String(H), viewBox: `0 0 ${W} ${H}`, 'font-family': 'sans-serif', 'font-size': '12' });
  svg.ele('title').txt(caption);
  svg.ele('rect', { x: '0', y: '0', width: String(W), height: String(H), fill: '#ffffff' });
  svg.ele('text', { x: String(PAD.left), y: '20', 'font-size': '14' }).txt(caption);
  const axes = svg.ele('g', { class: 'axes', stroke: '#dddddd' });
  for (let e = x0; e <= x1; e++) {
    axes.ele('line', { x1: px(10 ** e).toFixed(1), y1: String(PAD.top), x2: px(10 ** e).toFixed(1), y2: String(PAD.top + plotH) });
    svg.ele('text', { x: px(10 ** e).toFixed(1), y: String(PAD.top + plotH + 16), 'text-anchor': 'middle' }).txt(label(e));
  }
  for (let e = y0; e <= y1; e++) {
    axes.ele('line', { x1: String(PAD.left), y1: py(10 ** e).toFixed(1), x2: String(PAD.left + plotW), y2: py(10 ** e).toFixed(1) });
    svg.ele('text', { x: String(PAD.left - 6), y: (py(10 ** e) + 4).toFixed(1), 'text-anchor': 'end' }).txt(label(e));
  }
  svg.ele('text', { x: String(PAD.left + plotW / 2), y: String(H - 12), 'text-anchor': 'middle' }).txt('trainable parameters (log)');
  svg.ele('text', { x: '16', y: String(PAD.top + plotH / 2), transform: `rotate(-90 16 ${PAD.top + plotH / 2})`, 'text-anchor': 'middle' }).txt('ms per training step (log)');
  const plot = svg.ele('g', { class: 'points' });
  series.forEach((s) => {
    const colour = colourOf(s);
    FAMILIES.forEach((f, fi) => {
      const pts = points.filter((p) => p.series === s && p.family === f).sort((a, b) => a.params - b.params);
      if (pts.length > 1) plot.ele('polyline', { points: pts.map((p) => `${px(p.params).toFixed(1)},${py(p.ms).toFixed(1)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': '1.2', 'stroke-dasharray': s === 'hardware limit' ? '4 3' : 'none' });
      for (const p of pts) {
        const m = marker(plot, fi, px(p.params), py(p.ms), colour).att({ 'data-series': s, 'data-model': p.model, 'data-ms': String(p.ms) });
        m.ele('title').txt(`${p.model}, ${s}: ${p.ms} ms/step`);
      }
    });
  });
  const legend = svg.ele('g', { class: 'legend' });
  const lx = W - PAD.right + 16;
  series.forEach((s, i) => {
    legend.ele('rect', { x: String(lx), y: String(PAD.top + i * 18), width: '12', height: '12', fill: colourOf(s) });
    legend.ele('text', { x: String(lx + 18), y: String(PAD.top + i * 18 + 10) }).txt(s);
  });
  FAMILIES.forEach((f, fi) => {
    const y = PAD.top + (series.length + 1 + fi) * 18;
    marker(legend, fi, lx + 6, y + 6, '#333333');
    legend.ele('text', { x: String(lx + 18), y: String(y + 10) }).txt(f);
  });
  return doc.end({ prettyPrint: true }) + '\n';
}
