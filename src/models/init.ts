/**
 * Seeded weight initialisers in plain JS. Values come only from the project PRNG and are
 * computed in float64 before rounding to float32, so a seed gives bit-identical weights on
 * every backend (tfjs's own initialisers draw from the backend and differ between them).
 */
import type { InitConfig } from '../config/schema.js';
import type { Rng } from '../runtime/rng.js';

/** Fan-in and fan-out of a weight, as Keras computes them. */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * Keras `_compute_fans`: rank 0 → (1, 1); rank 1 → (n, n); rank 2 `[in, out]` → (in, out);
 * rank ≥ 3 (convolution kernels, channels last `[...kernel, in, out]`) → (r·in, r·out) with
 * r the product of the kernel dimensions.
 */
export function computeFans(shape: readonly number[]): Fans {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2]!, fanOut: receptive * shape[shape.length - 1]! };
}

/**
 * The standard deviation (normal kinds) or half-width (uniform kinds) the initialiser uses,
 * with s = `init.scale`:
 * - glorot-uniform: limit = s·√(6 / (fanIn + fanOut))   (Glorot & Bengio 2010)
 * - glorot-normal:  std   = s·√(2 / (fanIn + fanOut))
 * - he-normal:      std   = s·√(2 / fanIn)               (He et al. 2015)
 * - normal:         std   = s;  uniform: limit = s
 * - orthogonal:     gain  = s (singular values all equal to s)
 */
export function initScale(init: InitConfig, fans: Fans): number {
  const s = init.scale;
  switch (init.kind) {
    case 'glorot-uniform':
      return s * Math.sqrt(6 / (fans.fanIn + fans.fanOut));
    case 'glorot-normal':
      return s * Math.sqrt(2 / (fans.fanIn + fans.fanOut));
    case 'he-normal':
      return s * Math.sqrt(2 / fans.fanIn);
    case 'normal':
    case 'uniform':
    case 'orthogonal':
      return s;
  }
}

/**
 * Draws a weight of `shape` from the initialiser `init`, using `rng` (advanced by the draw).
 * `fans` defaults to {@link computeFans}(shape). Formulas in {@link initScale}.
 *
 * Differs from Keras: glorot-normal and he-normal draw from an untruncated normal with the
 * stated std (Keras truncates at 2σ and rescales by 0.8796); the variance is the same.
 * Orthogonal matches Keras `Orthogonal`: the shape is flattened to (prod(shape[:-1]),
 * shape[-1]), a Gaussian matrix is QR-factorised (Gram–Schmidt, signs fixed so R has a
 * positive diagonal), and the orthonormal factor is scaled by the gain, so WᵀW = s²·I when
 * rows ≥ cols and WWᵀ = s²·I otherwise (Saxe et al. 2014, https://arxiv.org/abs/1312.6120).
 *
 * Edge cases: a shape with a 0 dimension gives an empty array.
 */
export function initWeights(init: InitConfig, shape: readonly number[], rng: Rng, fans: Fans = computeFans(shape)): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const scale = initScale(init, fans);
  const out = new Float32Array(size);
  if (init.kind === 'orthogonal') {
    const cols = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    out.set(orthogonal(size === 0 ? 0 : size / cols, cols, scale, rng));
    return out;
  }
  const uniformKind = init.kind === 'glorot-uniform' || init.kind === 'uniform';
  for (let i = 0; i < size; i++) out[i] = uniformKind ? scale * (2 * rng.uniform() - 1) : scale * rng.normal();
  return out;
}

/** Row-major rows × cols matrix with orthonormal columns (rows ≥ cols) or rows, times gain. */
function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float64Array {
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const q = gramSchmidt(m, n, rng);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[j * m + i]!;
      if (tall) out[i * cols + j] = v;
      else out[j * cols + i] = v;
    }
  }
  return out;
}

/**
 * Orthonormal columns of an m × n Gaussian matrix (m ≥ n), stored column-major (column j
 * at [j·m, (j+1)·m)). Modified Gram–Schmidt with a second pass ("twice is enough",
 * Giraud et al. 2005) keeps orthogonality at float64 rounding level. Normalising each
 * residual by its own norm is the QR with a positive diagonal of R.
 */
function gramSchmidt(m: number, n: number, rng: Rng): Float64Array {
  const q = new Float64Array(m * n);
  for (let i = 0; i < m * n; i++) q[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    const cj = q.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = q.subarray(k * m, (k + 1) * m);
        const d = dot(ck, cj);
        for (let i = 0; i < m; i++) cj[i] = cj[i]! - d * ck[i]!;
      }
    }
    const norm = Math.sqrt(dot(cj, cj));
    for (let i = 0; i < m; i++) cj[i] = cj[i]! / norm;
  }
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
