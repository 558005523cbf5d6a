/** The HTML report: a self-contained page built from a report model. */
export { buildHtmlReport, escapeHtml, scriptJson, type HtmlOptions } from './build.js';
export { loadChartAssets, type AssetReader, type ChartAssets } from './assets.js';
