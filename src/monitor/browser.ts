/// <reference lib="dom" />
/**
 * `monitor()` in a web page: records are kept in memory (`run.records()`), `run.jsonl()` is
 * the text of a `steps.jsonl`, `run.download()` saves it, and `run.chart()` is an element
 * that plots the gradient norms as the run goes. Uses the page's own tfjs and any backend;
 * imports no Node module.
 */
import { inputError } from '../errors.js';
import { encodeRecord } from '../log/codec.js';
import type { StepRecord } from '../record.js';
import { createNormChart, type NormChart } from './chart.js';
import { resolveMonitorOptions, type MonitorOptions } from './options.js';
import { createMonitorRun, type MonitorRun, type RecordOutlet } from './run.js';

export type { MonitorOptions } from './options.js';
export type { MonitorRun, MonitorStep } from './run.js';

/** The browser's run: `MonitorRun` plus the log as text, a download and a live chart. */
export interface BrowserMonitorRun extends MonitorRun {
  /** The records as `steps.jsonl` text (what `gclip check --log` and `gclip report` read). */
  jsonl(): string;
  /** Saves `jsonl()` as a file through the browser's download (default name `steps.jsonl`). */
  download(filename?: string): void;
  /** An SVG element plotting pre- and post-clip norms (log scale) and marking events; updated each step. */
  chart(options?: { readonly width?: number; readonly height?: number }): SVGSVGElement;
}

/**
 * Monitors a tfjs training run in the page: compile with `run.optimizer(inner)` and pass
 * `run.callback()` to `fit`, or call `run.step({ grads, loss })` in a custom loop. Options
 * are the `clip`, `detect` and `log` sections of a gclip config; GclipError with field paths
 * on bad options, before any training.
 */
export function monitor(options: MonitorOptions = {}): BrowserMonitorRun {
  const resolved = resolveMonitorOptions(options);
  if (resolved.out !== undefined) {
    throw inputError('invalid_option', { path: options.out !== undefined ? 'out' : 'log.out', message: 'a page has no run directory to write', hint: 'Leave out `out`; save the log with run.download() and read it with gclip check --log steps.jsonl.' });
  }
  const charts: NormChart[] = [];
  const outlet: RecordOutlet = {
    runDir: null,
    push: (r: StepRecord) => charts.forEach((c) => c.add(r)),
    flush: async () => {},
    close: async () => {},
  };
  const run = createMonitorRun(resolved, outlet, () => performance.now());
  const jsonl = () => run.records().map((r) => encodeRecord(r) + '\n').join('');
  return {
    ...run,
    get decision() {
      return run.decision;
    },
    jsonl,
    download(filename = 'steps.jsonl') {
      const url = URL.createObjectURL(new Blob([jsonl()], { type: 'application/x-ndjson' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: filename });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    },
    chart(o = {}) {
      const chart = createNormChart(o.width ?? 480, o.height ?? 200);
      for (const r of run.records()) chart.add(r);
      charts.push(chart);
      return chart.element;
    },
  };
}
