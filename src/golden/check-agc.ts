/**
 * Checkers of the AGC golden kinds: `agc` (optax layout) and `agc_timm_layout` (PyTorch
 * layouts, timm's axis rule). Grads go through the `adaptiveGradClip` strategy; the per-unit
 * diagnostics through `agcUnitStats`, the function the strategy itself uses.
 */
import { adaptiveGradClip, agcUnitStats, AGC_DIV_EPS, type AgcLayout } from '../clip/agc.js';
import type { ClipStrategy } from '../clip/types.js';
import { compareExact, compareF32Scalar, type Failures } from './compare.js';
import { num, toTensorList, type GoldenCase } from './format.js';
import { applyToCase } from './check-semantics.js';
import { compareTensor, compareTensorList, scalarValue } from './tensors.js';

const STAT_FIELDS = {
  unit_grad_norms: 'gradNorm',
  unit_param_norms: 'paramNorm',
  unit_max_norms: 'maxNorm',
  unit_scale: 'scale',
} as const;

function agcParams(c: GoldenCase, fails: Failures): { clipping: number; eps: number; exclude: number[] } {
  const p = c.params;
  const divEps = p.div_eps ?? p.eps_div ?? AGC_DIV_EPS;
  if (num(divEps) !== AGC_DIV_EPS) fails.push(`params: division guard ${String(divEps)} is not gclip's ${AGC_DIV_EPS}`);
  const exclude = (p.exclude_indices ?? p.exclude ?? []) as number[];
  return { clipping: num(p.clipping ?? p.clip_factor ?? 0.01), eps: num(p.eps ?? 1e-3), exclude };
}

function checkStats(c: GoldenCase, fails: Failures, layout: AgcLayout, clipping: number, eps: number, exclude: number[]): void {
  const grads = toTensorList(c.inputs.grads);
  const params = toTensorList(c.inputs.params);
  for (const [field, key] of Object.entries(STAT_FIELDS)) {
    const exp = c.expected[field];
    if (!Array.isArray(exp)) continue;
    grads.forEach((g, i) => {
      const w = params[i];
      if (exclude.includes(i) || g === null || w === null || w === undefined) return compareTensor(`${field}[${i}]`, null, exp[i] ?? null, fails);
      const got = agcUnitStats(g, w, clipping, eps, layout)[key];
      compareTensor(`${field}[${i}]`, got, exp[i], fails);
    });
  }
}

function checkAgc(c: GoldenCase, fails: Failures, layout: AgcLayout): void {
  const { clipping, eps, exclude } = agcParams(c, fails);
  const strategy = adaptiveGradClip({ clipping, eps, layout, exclude }) as ClipStrategy;
  const r = applyToCase(strategy, c, 2, toTensorList(c.inputs.params));
  compareTensorList('grads', r.grads, c.expected.grads, fails, true);
  checkStats(c, fails, layout, clipping, eps, exclude);
  const clippedUnits = r.readback.clippedUnits;
  if ('clipped_units' in c.expected && clippedUnits) compareExact('clipped_units', scalarValue(clippedUnits), c.expected.clipped_units, fails);
  if ('coef' in c.expected && r.readback.coef) compareF32Scalar('coef', scalarValue(r.readback.coef), c.expected.coef, fails);
}

/** `agc`: optax layout (TF.js layouts). */
export function checkAgcOptax(c: GoldenCase, fails: Failures): void {
  checkAgc(c, fails, 'optax');
}

/** `agc_timm_layout`: timm's rule on PyTorch layouts. */
export function checkAgcTimm(c: GoldenCase, fails: Failures): void {
  checkAgc(c, fails, 'timm');
}

