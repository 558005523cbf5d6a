/// <reference lib="dom" />
/**
 * The browser monitor's live chart: pre- and post-clip gradient norms per step on a log
 * scale, as two SVG polylines, and a red tick at each step with a detector event. Redrawn at
 * most once per animation frame.
 */
import type { StepRecord } from '../record.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A chart element and the function that feeds it a record. */
export interface NormChart {
  readonly element: SVGSVGElement;
  add(record: StepRecord): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** A `width`×`height` chart, empty until records are added. */
export function createNormChart(width: number, height: number): NormChart {
  const element = svg('svg', { width: String(width), height: String(height), viewBox: `0 0 ${width} ${height}`, class: 'gclip-chart', role: 'img', 'aria-label': 'gradient norm per step' });
  const pre = svg('polyline', { fill: 'none', stroke: '#1f77b4', 'stroke-width': '1.5', class: 'gclip-pre' });
  const post = svg('polyline', { fill: 'none', stroke: '#ff7f0e', 'stroke-width': '1.5', class: 'gclip-post' });
  const events = svg('g', { stroke: '#d62728', class: 'gclip-events' });
  element.append(pre, post, events);
  const norms: [number, number][] = [];
  const eventSteps: number[] = [];
  let pending = false;
  const draw = () => {
    pending = false;
    const logs = norms.flat().filter((v) => v > 0 && Number.isFinite(v)).map(Math.log10);
    const lo = Math.min(...logs, 0), hi = Math.max(...logs, lo + 1);
    const x = (i: number) => ((i + 0.5) * width) / Math.max(norms.length, 1);
    const y = (v: number) => (v > 0 && Number.isFinite(v) ? height - 4 - ((Math.log10(v) - lo) / (hi - lo)) * (height - 8) : height);
    pre.setAttribute('points', norms.map(([a], i) => `${x(i).toFixed(1)},${y(a).toFixed(1)}`).join(' '));
    post.setAttribute('points', norms.map(([, b], i) => `${x(i).toFixed(1)},${y(b).toFixed(1)}`).join(' '));
    events.replaceChildren(...eventSteps.map((i) => svg('line', { x1: x(i).toFixed(1), x2: x(i).toFixed(1), y1: '0', y2: String(height) })));
    element.dataset.steps = String(norms.length);
  };
  return {
    element,
    add(r) {
      if (r.events.length > 0) eventSteps.push(norms.length);
      norms.push([r.preClipNorm, r.postClipNorm]);
      if (!pending) {
        pending = true;
        requestAnimationFrame(draw);
      }
    },
  };
}
