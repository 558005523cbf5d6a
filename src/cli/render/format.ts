/** Short names for the shared number formatting (`src/format.ts`) in terminal renderers. */
export { formatNumber as num, formatPercent as pct } from '../../format.js';
