/** What the sweep's recommendation rule (`recommend.ts`) concludes: the shape sweep.json stores. */

/** What the rule concluded. */
export interface Recommendation {
  /** `clip`: use maxNorm; `not_needed`: the unclipped baseline is stable and as good; `none_stable`: nothing was stable. */
  readonly status: 'clip' | 'not_needed' | 'none_stable';
  /** The threshold to use, or null (not needed, or none stable). */
  readonly maxNorm: number | null;
  /** One or two sentences with the numbers behind the choice. */
  readonly reason: string;
  /** Id of the chosen point (`norm@1`, `baseline`), or null. */
  readonly pointId: string | null;
  /** The best final loss in the safe region and the tolerance band around it. */
  readonly bestFinalLoss: number | null;
  readonly band: number | null;
  /** An adaptive strategy that beat every eligible fixed point by more than the band. */
  readonly adaptive: { readonly strategy: string; readonly finalLoss: number } | null;
  /** What to try next (non-empty when status is `none_stable`). */
  readonly suggestions: readonly string[];
  /** Learning rate of the chosen point; null without an lr axis (or when none is stable). */
  readonly lr: number | null;
  /** One recommendation per lr column, ascending lr; empty without an lr axis. */
  readonly perLr: readonly ColumnRecommendation[];
  /** A clipped choice at `clippedLr` that unclipped training at the lower `unclippedLr` matches; else null. */
  readonly lrCut: { readonly clippedLr: number; readonly maxNorm: number; readonly unclippedLr: number } | null;
  /** The "no clipping + rollback" rows (`--rollback-row`), one per lr column; absent without them. */
  readonly rollback?: readonly RollbackEvidence[];
}

/** What one "no clipping + rollback" row showed (see `sweep/rollback-row`). */
export interface RollbackEvidence {
  readonly pointId: string;
  readonly lr: number | null;
  readonly stableSeeds: number;
  readonly seeds: number;
  /** Median over seeds of the smoothed final loss. */
  readonly finalLoss: number;
  /** Rollbacks over all seeds. */
  readonly rollbacks: number;
  /** Whether it is as good as the recommended point seed by seed (the rule's tolerance); null when nothing was recommended. */
  readonly asGoodAsChosen: boolean | null;
}

/** The rule's outcome in one lr column. */
export interface ColumnRecommendation {
  readonly lr: number;
  readonly status: Recommendation['status'];
  readonly maxNorm: number | null;
  readonly pointId: string | null;
  readonly finalLoss: number | null;
  readonly reason: string;
}
