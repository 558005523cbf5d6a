/**
 * Update telemetry on the host: per layer, Σ(Δw)² and Σw² of what an optimizer applied,
 * and the readback section they become (`PackLayout`'s update section).
 */
import { UPDATE_SECTION } from '../pack-layout.js';

export { updateSectionSize } from '../pack-layout.js';

/** Per layer: Σ(w_after − w_before)² and Σw_before², accumulated in float64. */
export interface UpdateSums {
  readonly du2: Float64Array;
  readonly w2: Float64Array;
}

/**
 * The sums of variables `j` (layer `layerOf[j]` of `layers`), reading each variable's
 * weights before (`before(j)`) and after (`after(j)`) the update. Each Δw is the float64
 * difference of two float32 values (exact but for a far-apart pair); NaN/±Infinity propagate.
 */
export function updateSums(
  layerOf: readonly number[],
  layers: number,
  before: (j: number) => ArrayLike<number>,
  after: (j: number) => ArrayLike<number>,
): UpdateSums {
  const du2 = new Float64Array(layers);
  const w2 = new Float64Array(layers);
  for (let j = 0; j < layerOf.length; j++) {
    const w = before(j);
    const wOut = after(j);
    let d = 0;
    let s = 0;
    for (let i = 0; i < wOut.length; i++) {
      const wi = w[i]!;
      const di = wOut[i]! - wi;
      d += di * di;
      s += wi * wi;
    }
    du2[layerOf[j]!]! += d;
    w2[layerOf[j]!]! += s;
  }
  return { du2, w2 };
}

/**
 * Writes the update section at `at` of `v`: `[‖Δw‖, ‖Δw_l‖×L, ‖Δw_l‖/‖w_l‖×L]` (2-norms,
 * float64, each rounded to float32 once on store). A layer whose update is 0 has ratio 0;
 * one whose weights were all 0 and that moved has ratio +Infinity.
 */
export function writeUpdateSection(v: Float32Array, at: number, sums: UpdateSums): void {
  const layers = sums.du2.length;
  let total = 0;
  for (let l = 0; l < layers; l++) {
    const d = sums.du2[l]!;
    total += d;
    const norm = Math.sqrt(d);
    v[at + UPDATE_SECTION.norms + l] = norm;
    v[at + UPDATE_SECTION.norms + layers + l] = norm === 0 ? 0 : norm / Math.sqrt(sums.w2[l]!);
  }
  v[at] = Math.sqrt(total);
}
