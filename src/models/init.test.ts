import { describe, expect, it } from 'vitest';
import type { InitConfig } from '../config/schema.js';
import { createRng } from '../runtime/rng.js';
import { computeFans, initScale, initWeights } from './init.js';

function moments(a: Float32Array): { mean: number; std: number } {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return { mean, std: Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length) };
}

describe('computeFans', () => {
  it('follows Keras for dense, bias and conv shapes', () => {
    expect(computeFans([30, 10])).toEqual({ fanIn: 30, fanOut: 10 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    // 3×3 kernel, 4 → 8 channels: receptive field 9.
    expect(computeFans([3, 3, 4, 8])).toEqual({ fanIn: 36, fanOut: 72 });
  });
});

describe('initWeights statistics on a 400 × 200 draw (80 000 values)', () => {
  const shape = [400, 200];
  // Std of a uniform on [-L, L] is L/√3.
  const table: { init: InitConfig; std: number }[] = [
    { init: { kind: 'glorot-uniform', scale: 1 }, std: Math.sqrt(6 / 600) / Math.sqrt(3) },
    { init: { kind: 'glorot-uniform', scale: 3 }, std: (3 * Math.sqrt(6 / 600)) / Math.sqrt(3) },
    { init: { kind: 'glorot-normal', scale: 1 }, std: Math.sqrt(2 / 600) },
    { init: { kind: 'he-normal', scale: 2 }, std: 2 * Math.sqrt(2 / 400) },
    { init: { kind: 'normal', scale: 0.05 }, std: 0.05 },
    { init: { kind: 'uniform', scale: 0.5 }, std: 0.5 / Math.sqrt(3) },
    // 400 × 200 with orthonormal columns: ‖W‖²_F = 200, so the element std is √(200/80000).
    { init: { kind: 'orthogonal', scale: 1 }, std: Math.sqrt(200 / 80000) },
  ];
  it.each(table)('$init.kind (scale $init.scale) has mean ≈ 0 and std ≈ $std', ({ init, std }) => {
    const w = initWeights(init, shape, createRng(1));
    const m = moments(w);
    // The standard error of the mean is std/√80000 ≈ 0.0035·std; allow ~6 of them.
    expect(Math.abs(m.mean)).toBeLessThan(0.02 * std);
    expect(m.std / std).toBeGreaterThan(0.98);
    expect(m.std / std).toBeLessThan(1.02);
  });

  it('uniform kinds stay inside their limit', () => {
    const limit = initScale({ kind: 'glorot-uniform', scale: 1 }, { fanIn: 400, fanOut: 200 });
    const w = initWeights({ kind: 'glorot-uniform', scale: 1 }, shape, createRng(2));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * limit);
  });

  it('is deterministic per seed', () => {
    const init: InitConfig = { kind: 'he-normal', scale: 1 };
    expect(initWeights(init, [5, 4], createRng(3))).toEqual(initWeights(init, [5, 4], createRng(3)));
    expect(initWeights(init, [5, 4], createRng(3))).not.toEqual(initWeights(init, [5, 4], createRng(4)));
  });
});

describe('orthogonal', () => {
  /** Gram matrix of the columns (cols = true) or rows of a row-major matrix, in float64. */
  function gram(w: Float32Array, rows: number, cols: number, ofColumns: boolean): number[][] {
    const n = ofColumns ? cols : rows;
    const len = ofColumns ? rows : cols;
    const at = (v: number, i: number): number => (ofColumns ? w[i * cols + v]! : w[v * cols + i]!);
    return Array.from({ length: n }, (_, a) =>
      Array.from({ length: n }, (_, b) => {
        let s = 0;
        for (let i = 0; i < len; i++) s += at(a, i) * at(b, i);
        return s;
      }),
    );
  }

  it.each([
    { rows: 32, cols: 32, scale: 1 },
    { rows: 40, cols: 12, scale: 1.5 },
    { rows: 8, cols: 32, scale: 0.5 }, // an LSTM recurrent kernel [units, 4·units]
  ])('$rows × $cols with gain $scale: WᵀW (or WWᵀ when wide) ≈ gain²·I', ({ rows, cols, scale }) => {
    const w = initWeights({ kind: 'orthogonal', scale }, [rows, cols], createRng(rows + cols));
    const g = gram(w, rows, cols, rows >= cols);
    g.forEach((row, a) => row.forEach((v, b) => expect(Math.abs(v - (a === b ? scale * scale : 0))).toBeLessThan(1e-5)));
  });

  it('flattens conv kernels to (prod(shape[:-1]), shape[-1]) like Keras', () => {
    const w = initWeights({ kind: 'orthogonal', scale: 1 }, [3, 3, 2, 4], createRng(9));
    const g = gram(w, 18, 4, true);
    g.forEach((row, a) => row.forEach((v, b) => expect(Math.abs(v - (a === b ? 1 : 0))).toBeLessThan(1e-5)));
  });
});
