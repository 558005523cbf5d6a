/** The sweep's public surface: plan a grid, run it, merge shards, recommend. */
export { buildSweepPlan, planTasks, parseRange, parseThresholds, logRange, gridThresholds, knownClipKinds, DEFAULT_THRESHOLDS, DEFAULT_SEEDS } from './grid.js';
export type { GridOptions, SweepPlan, SweepPoint, SweepTask } from './grid.js';
export { aggregatePoint, createTraceSink, scoreRun, smoothWindow, type PointResult, type SeedResult, type NormStats } from './metrics.js';
export { recommend, safeRegion, isStable, type Recommendation } from './recommend.js';
export { crossChecks, type CrossChecks } from './cross-checks.js';
export { buildReport, reportExitCode, type SweepReport, type SweepExecution } from './report.js';
export { parseShard, shardItems, type Shard } from './shard.js';
export { sweep, writeReport, readPlan, SWEEP_FILES, type SweepOptions, type SweepOutcome, type SweepProgress } from './sweep.js';
export { mergeSweepDirs } from './merge.js';
export { taskKey } from './cache.js';
export { parseSweepFlags, type SweepFlags, type SweepSettings } from './flags.js';
export { storeSource } from './store-source.js';
export { initStore, openStore, claimTask, readLeases, DEFAULT_LEASE_MS, type Store, type QueueSettings } from './store.js';
export { workStore, type StoreWorkOptions } from './sweep.js';
export { storeStatus, type StoreStatus, type CellStatus } from './status.js';
export { isPrunable } from './prune.js';
export { pairedAsGood, SATURATED_CLIP_RATE, type ColumnRecommendation } from './recommend.js';
export { isRollbackRow, ROLLBACK_STRATEGY, withRollbackEvidence } from './rollback-row.js';
