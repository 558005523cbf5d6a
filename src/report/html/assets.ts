/**
 * The charting library the HTML report inlines: uPlot's IIFE build and stylesheet, read
 * from the installed `uplot` package so the report opens with no network access.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Inline-able chart library source. */
export interface ChartAssets {
  /** uPlot IIFE build (defines the global `uPlot`). */
  readonly js: string;
  readonly css: string;
  /** uPlot's version, shown in the report footer. */
  readonly version: string;
}

/** Reads a file's text; the CLI passes `(p) => readFile(p, 'utf8')`. */
export type AssetReader = (path: string) => Promise<string>;

/** Locates the installed uplot package and reads its minified IIFE build and CSS. */
export async function loadChartAssets(read: AssetReader): Promise<ChartAssets> {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('uplot/package.json');
  const dist = join(dirname(pkg), 'dist');
  const [js, css, meta] = await Promise.all([read(join(dist, 'uPlot.iife.min.js')), read(join(dist, 'uPlot.min.css')), read(pkg)]);
  return { js, css, version: String((JSON.parse(meta) as { version?: unknown }).version ?? '?') };
}
