/**
 * Independent float64 reference norms in plain JS (no tfjs), for checking the tensor kernels.
 * Plain JS with a `.d.ts` beside it: tsconfig's rootDir is `src`, so tests under `src/` may
 * import declarations from `test/` but not TypeScript sources.
 * p = 'inf' → max|x|; −Infinity → min|x|; 0 → count of non-zero entries; else (Σ|x|^p)^(1/p).
 */
/** The p-norm of a flat list of numbers, in float64. An empty list has norm 0. */
/** @param {readonly number[]} values @param {number | 'inf'} p @returns {number} */
export function refNorm(values, p) {
  const q = p === 'inf' ? Infinity : p;
  const abs = values.map(Math.abs);
  if (abs.length === 0) return 0;
  if (q === Infinity) return abs.reduce((m, v) => (Number.isNaN(v) || v > m ? v : m), 0);
  if (q === -Infinity) return abs.reduce((m, v) => (Number.isNaN(v) || v < m ? v : m), Infinity);
  if (q === 0) return abs.filter((v) => v !== 0).length;
  return abs.reduce((s, v) => s + v ** q, 0) ** (1 / q);
}

/** Per-tensor norms and their total (a norm of the norms, as torch), in float64. */
/** @param {readonly (readonly number[])[]} tensors @param {number | 'inf'} p */
export function refTotalNorm(tensors, p) {
  const tensorNorms = tensors.map((t) => refNorm(t, p));
  return { tensorNorms, total: refNorm(tensorNorms, p) };
}

/** Relative closeness with an absolute floor, for float32 results against float64 references. */
/** @param {number} got @param {number} exp */
export function closeTo(got, exp, rel = 2e-6, abs = 1e-30) {
  if (Number.isNaN(exp)) return Number.isNaN(got);
  if (!Number.isFinite(exp)) return got === exp;
  return Math.abs(got - exp) <= rel * Math.abs(exp) + abs;
}
