/** The sweep's public surface: plan a grid, run it, merge shards, recommend. */
export { buildSweepPlan, planTasks, parseRange, parseThresholds, logRange, gridThresholds, knownClipKinds, DEFAULT_THRESHOLDS, DEFAULT_SEEDS } from './grid.js';
export type { GridOptions, SweepPlan, SweepPoint, SweepTask } from './grid.js';
export { aggregatePoint, createTraceSink, scoreRun, smoothWindow, type PointResult, type SeedResult, type NormStats } from './metrics.js';
export { recommend, safeRegion, crossChecks, isStable, type Recommendation, type CrossChecks } from './recommend.js';
export { buildReport, reportExitCode, type SweepReport, type SweepExecution } from './report.js';
export { parseShard, shardItems, type Shard } from './shard.js';
export { sweep, writeReport, readPlan, SWEEP_FILES, type SweepOptions, type SweepOutcome, type SweepProgress } from './sweep.js';
export { mergeSweepDirs } from './merge.js';
export { taskKey } from './cache.js';
export { parseSweepFlags, type SweepFlags, type SweepSettings } from './flags.js';
export { initStore, openStore, claimTask, readLeases, storeSource, DEFAULT_LEASE_MS, type Store, type QueueSettings } from './store.js';
export { workStore, type StoreWorkOptions } from './sweep.js';
export { storeStatus, type StoreStatus, type CellStatus } from './status.js';
export { isPrunable } from './prune.js';
export { pairedAsGood, SATURATED_CLIP_RATE, type ColumnRecommendation } from './recommend.js';
