/**
 * Loss-divergence detector: after `warmup` steps, the loss exceeds `factor` × the best
 * finite loss so far AND the first loss, for `patience` consecutive steps. Fires once per
 * such streak. Non-finite losses are the nonfinite detector's business and do not count.
 */
import type { DetectConfig } from '../config/schema.js';
import type { Detector } from './types.js';

export interface DivergenceState {
  readonly firstLoss: number | null;
  readonly bestLoss: number | null;
  /** Consecutive diverged steps so far. */
  readonly streak: number;
  readonly seen: number;
}

export type DivergenceOptions = Pick<DetectConfig['divergence'], 'factor' | 'warmup' | 'patience'>;

export function createDivergenceDetector(options: DivergenceOptions): Detector<DivergenceState> {
  return {
    kind: 'divergence',
    init: () => ({ firstLoss: null, bestLoss: null, streak: 0, seen: 0 }),
    observe({ record }, state) {
      const loss = record.loss;
      if (!Number.isFinite(loss)) return { state, events: [] };
      const firstLoss = state.firstLoss ?? loss;
      const best = state.bestLoss === null ? loss : Math.min(state.bestLoss, loss);
      const diverged =
        state.seen >= options.warmup && loss > options.factor * best && loss > firstLoss;
      const streak = diverged ? state.streak + 1 : 0;
      const next: DivergenceState = { firstLoss, bestLoss: best, streak, seen: state.seen + 1 };
      if (streak !== options.patience) return { state: next, events: [] };
      return {
        state: next,
        events: [{ kind: 'divergence', step: record.step, since: record.step - streak + 1, loss, bestLoss: best, factor: loss / best }],
      };
    },
  };
}
