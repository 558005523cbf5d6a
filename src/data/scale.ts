/**
 * Input-scale diagnosis: features or targets whose magnitude makes gradients huge, said as
 * hints for the run summary ("`price` reaches 2.4e6 and is not normalised; try
 * `data.normalize: true`"). Pure functions; a hint never halts a run.
 */
import { sampleSize, type HostDataset } from './dataset.js';

/** One finding about the scale of the inputs or of the first gradients. */
export interface ScaleHint {
  /** `large_column`, `mixed_scales` or `huge_gradients`. */
  readonly code: 'large_column' | 'mixed_scales' | 'huge_gradients';
  /** The column at fault (`price`), or '' for gradient findings. */
  readonly column: string;
  readonly role: 'feature' | 'target' | 'gradient';
  readonly message: string;
  readonly hint: string;
}

/** A column whose largest |value| is at least this is called large. */
export const LARGE_VALUE = 1e3;
/** Features whose typical magnitudes differ by at least this factor are called mixed. */
export const MIXED_RATIO = 1e3;
/** A median pre-clip norm over the first steps at least this is called huge. */
export const HUGE_GRAD_NORM = 1e3;

const fmt = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1).replace('e+', 'e') : String(Number(v.toPrecision(3))));

function columnMaxAbs(values: Float32Array, width: number): number[] {
  const out = new Array<number>(width).fill(0);
  values.forEach((v, i) => (out[i % width] = Math.max(out[i % width]!, Math.abs(v))));
  return out;
}

/**
 * Scans the *raw* (unnormalised) dataset:
 * - `large_column`: a feature, or a regression target, with max |value| ≥ 1e3. Targets
 *   are only checked for regression (one-hot targets are 0/1).
 * - `mixed_scales`: the largest feature's max |value| is ≥ 1e3 times the smallest
 *   nonzero one's, naming both (reported even when both are below 1e3).
 * With `normalized` true, nothing is reported (the run standardises those columns).
 * Returns hints sorted by magnitude, largest first; [] when the scale looks fine.
 *
 * @example
 * diagnoseInputScale(ds, { normalized: false, targetName: 'price' })[0]?.message;
 * // "`price` reaches 2.4e6 and is not normalised"
 */
export function diagnoseInputScale(ds: HostDataset, o: { normalized: boolean; targetName?: string }): ScaleHint[] {
  if (o.normalized) return [];
  const width = sampleSize(ds.inputShape);
  const names = ds.featureNames ?? Array.from({ length: width }, (_, j) => `x${j}`);
  const feats = columnMaxAbs(ds.x, width).map((max, j) => ({ name: names[j] ?? `x${j}`, max, role: 'feature' as const }));
  const cols = ds.task === 'regression' ? [...feats, { name: o.targetName ?? 'target', max: columnMaxAbs(ds.y, ds.outputDim)[0] ?? 0, role: 'target' as const }] : feats;
  const hints: (ScaleHint & { max: number })[] = cols
    .filter((c) => c.max >= LARGE_VALUE)
    .map((c) => ({
      code: 'large_column',
      column: c.name,
      role: c.role,
      max: c.max,
      message: `\`${c.name}\` reaches ${fmt(c.max)} and is not normalised`,
      hint: 'try `data.normalize: true` (standardises features and a regression target with training-split statistics)',
    }));
  const nonzero = feats.filter((f) => f.max > 0).sort((a, b) => b.max - a.max);
  const big = nonzero[0];
  const small = nonzero[nonzero.length - 1];
  if (big && small && big.max / small.max >= MIXED_RATIO) {
    hints.push({
      code: 'mixed_scales',
      column: big.name,
      role: 'feature',
      max: big.max,
      message: `features span ${Math.round(Math.log10(big.max / small.max))} orders of magnitude (\`${big.name}\` up to ${fmt(big.max)}, \`${small.name}\` up to ${fmt(small.max)})`,
      hint: 'try `data.normalize: true` so every feature has mean 0 and std 1',
    });
  }
  return hints.sort((a, b) => b.max - a.max).map(({ max: _max, ...h }) => h);
}

/**
 * Looks at the pre-clip gradient norms of the first steps (give 5 to 10): when their
 * median is ≥ 1e3, returns a `huge_gradients` hint naming the likely cause. Non-finite
 * norms are ignored; [] for an empty list or a median below the threshold. `clipping`
 * names the run's own clipping (e.g. "--clip-norm 1"), so the hint never suggests what the
 * run already did.
 */
export function diagnoseGradientScale(preClipNorms: readonly number[], o: { normalized: boolean; clipping?: string | null }): ScaleHint[] {
  const finite = preClipNorms.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return [];
  const median = finite[Math.floor((finite.length - 1) / 2)]!;
  if (median < HUGE_GRAD_NORM) return [];
  return [
    {
      code: 'huge_gradients',
      column: '',
      role: 'gradient',
      message: `the first ${preClipNorms.length} steps have a median gradient norm of ${fmt(median)}`,
      hint: gradientHint(o.normalized, o.clipping ?? null),
    },
  ];
}

/** What to try about huge first gradients, leaving out clipping when the run already clips. */
function gradientHint(normalized: boolean, clipping: string | null): string {
  if (clipping !== null) {
    const already = `the run already clips (${clipping}), so clipping alone did not tame them`;
    return normalized ? `lower train.lr; ${already}` : `the inputs are not normalised; try \`data.normalize: true\` or a lower train.lr; ${already}`;
  }
  return normalized ? 'lower train.lr or clip the gradients (--clip-norm 1)' : 'the inputs are not normalised; try `data.normalize: true`, or clip the gradients (--clip-norm 1)';
}
