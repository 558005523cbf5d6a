/**
 * Comparison of results with golden expectations, using the tolerance the files state:
 * float32 fields per element `|got−exp| ≤ 1e-5·|exp| + 1e-6·max|exp in that tensor|`;
 * float64 scalar simulations `|got−exp| ≤ 1e-12·|exp|`; non-finite values, the sign of an
 * expected zero in gradients, and null must match exactly.
 */
import { num } from './format.js';

/** Collects failure messages of one case. */
export type Failures = string[];

/** Relative tolerance for float32 fields. */
export const F32_REL = 1e-5;
/** Tolerance relative to the tensor's largest |value| for float32 fields. */
export const F32_ABS_OF_MAX = 1e-6;
/** Relative tolerance for float64 scalar simulations. */
export const F64_REL = 1e-12;

function exactNonFinite(got: number, exp: number): boolean | null {
  if (Number.isNaN(exp)) return Number.isNaN(got);
  if (!Number.isFinite(exp)) return got === exp;
  if (!Number.isFinite(got)) return false;
  return null;
}

function fmt(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/**
 * Compares two flat float32 arrays. `signedZero` also requires the sign of expected zeros.
 * Reports at most 3 differing elements, plus the count.
 */
export function compareF32(field: string, got: ArrayLike<number>, expRaw: readonly unknown[], fails: Failures, signedZero = false): void {
  const exp = expRaw.map(num);
  if (got.length !== exp.length) {
    fails.push(`${field}: length ${got.length}, expected ${exp.length}`);
    return;
  }
  const scale = exp.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
  const bad: string[] = [];
  for (let i = 0; i < exp.length; i++) {
    const g = got[i] as number;
    const e = exp[i] as number;
    const nf = exactNonFinite(g, e);
    const ok = nf ?? (Math.abs(g - e) <= F32_REL * Math.abs(e) + F32_ABS_OF_MAX * scale && (!signedZero || e !== 0 || Object.is(g, e)));
    if (!ok) bad.push(`[${i}] got ${fmt(g)} expected ${fmt(e)}`);
  }
  if (bad.length > 0) fails.push(`${field}: ${bad.length} of ${exp.length} differ: ${bad.slice(0, 3).join(', ')}`);
}

/** Compares one float32 scalar (tolerance as a one-element tensor). */
export function compareF32Scalar(field: string, got: number, exp: unknown, fails: Failures): void {
  compareF32(field, [got], [exp], fails);
}

/** Compares a float64 simulation value (1e-12 relative; null and non-finite exact). */
export function compareF64(field: string, got: number | null, expRaw: unknown, fails: Failures): void {
  if (expRaw === null || got === null) {
    if (expRaw !== got) fails.push(`${field}: got ${String(got)} expected ${String(expRaw)}`);
    return;
  }
  const exp = num(expRaw);
  const ok = exactNonFinite(got, exp) ?? (got === exp || Math.abs(got - exp) <= F64_REL * Math.abs(exp));
  if (!ok) fails.push(`${field}: got ${fmt(got)} expected ${fmt(exp)}`);
}

/** Compares two plain values (strings, booleans, integers) exactly. */
export function compareExact(field: string, got: unknown, exp: unknown, fails: Failures): void {
  if (got !== exp) fails.push(`${field}: got ${JSON.stringify(got)} expected ${JSON.stringify(exp)}`);
}

/** Compares a list of float32 numbers that may hold nulls: nulls must match, numbers as `compareF32`. */
export function compareNullableF32(field: string, got: readonly (number | null)[], expRaw: readonly unknown[], fails: Failures): void {
  const nulls = expRaw.map((v) => v === null);
  if (got.length !== expRaw.length || got.some((v, i) => (v === null) !== nulls[i])) {
    fails.push(`${field}: got ${JSON.stringify(got)} expected ${JSON.stringify(expRaw)}`);
    return;
  }
  compareF32(field, got.filter((v): v is number => v !== null), expRaw.filter((v) => v !== null), fails);
}
