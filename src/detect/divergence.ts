/**
 * Loss-divergence detector: the loss exceeds `factor` × the best finite loss so far AND
 * the first loss, for `patience` consecutive steps. During the first `warmup` steps only
 * a gross departure (loss > `grossFactor` × best) counts, so early noise is muted but an
 * explosion in the first steps is not. Fires once per
 * such streak. Non-finite losses are the nonfinite detector's business and do not count.
 */
import type { DetectConfig } from '../config/schema.js';
import { layerThatJumped, type Detector } from './types.js';

export interface DivergenceState {
  readonly firstLoss: number | null;
  readonly bestLoss: number | null;
  /** Consecutive diverged steps so far. */
  readonly streak: number;
  readonly seen: number;
  readonly previousLayerNorms: Readonly<Record<string, number>> | null;
  /** Layer that jumped most at the streak's first step, while a streak runs. */
  readonly streakLayer: string | null;
  /**
   * The streak's first step, while a streak runs (absent from older checkpoints: then the
   * step `streak − 1` records back, right for gclip's consecutive steps). Kept as a step,
   * not counted back, because a foreign log's steps need not be consecutive (an HF log
   * every 10 steps: a streak of 5 records from 760 to 800 began at 760, not 796).
   */
  readonly streakSince?: number | null;
}

export type DivergenceOptions = Pick<DetectConfig['divergence'], 'factor' | 'warmup' | 'patience'> & { readonly grossFactor?: number };

export function createDivergenceDetector(options: DivergenceOptions): Detector<DivergenceState> {
  return {
    kind: 'divergence',
    init: () => ({ firstLoss: null, bestLoss: null, streak: 0, seen: 0, previousLayerNorms: null, streakLayer: null, streakSince: null }),
    observe({ record }, state) {
      const loss = record.loss;
      if (!Number.isFinite(loss)) return { state: { ...state, previousLayerNorms: record.layerNorms }, events: [] };
      const firstLoss = state.firstLoss ?? loss;
      const best = state.bestLoss === null ? loss : Math.min(state.bestLoss, loss);
      const gross = options.grossFactor ?? Infinity;
      const diverged =
        (state.seen >= options.warmup || loss > gross * best) && loss > options.factor * best && loss > firstLoss;
      const streak = diverged ? state.streak + 1 : 0;
      const streakLayer = streak === 1 ? layerThatJumped(record.layerNorms, state.previousLayerNorms) : streak > 1 ? state.streakLayer : null;
      const streakSince = streak === 1 ? record.step : streak > 1 ? (state.streakSince ?? record.step - streak + 1) : null;
      const next: DivergenceState = {
        firstLoss,
        bestLoss: best,
        streak,
        seen: state.seen + 1,
        previousLayerNorms: record.layerNorms,
        streakLayer,
        streakSince,
      };
      if (streak !== options.patience) return { state: next, events: [] };
      return {
        state: next,
        events: [{ kind: 'divergence', step: record.step, since: streakSince!, loss, bestLoss: best, factor: loss / best, layer: streakLayer }],
      };
    },
  };
}
