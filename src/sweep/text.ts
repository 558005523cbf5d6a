/**
 * Number formatting for the recommendation's reason, which is data (it goes into
 * sweep.json) and so is written here rather than in cli/render.
 */

/** 3 significant digits, exponent for tiny/huge values, `—` for null, NaN/Infinity named. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-3) return x.toExponential(2);
  return Number(x.toPrecision(3)).toString();
}
