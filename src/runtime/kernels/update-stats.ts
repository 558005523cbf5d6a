/**
 * Update telemetry on the host: the readback section (`PackLayout`'s update section) that
 * the per-layer Σ(Δw)² and Σw² become. The fused update's rules (optimizer-rules.ts)
 * accumulate those sums in float64 as they write the new weights; each Δw is the float64
 * difference of two float32 values (exact but for a far-apart pair); NaN/±Infinity propagate.
 */
import { UPDATE_SECTION } from '../pack-layout.js';

export { updateSectionSize } from '../pack-layout.js';

/** Per layer: Σ(w_after − w_before)² and Σw_before², in float64. */
export interface UpdateSums {
  readonly du2: Float64Array;
  readonly w2: Float64Array;
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
