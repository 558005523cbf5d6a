/**
 * gclip's public library API. The CLI is one client of these functions; everything else
 * under src/ is private.
 */
export { clipGradNorm, clipGradValue, type GradInput, type ClipGradNormOptions, type ClipGradNormResult } from './clip/api.js';
export { clipByGlobalNorm, type ClipByGlobalNormOptions } from './clip/global-norm.js';
export { clipByValue, type ClipByValueOptions } from './clip/value.js';
export { noClip } from './clip/none.js';
export { clipPerTensorNorm } from './clip/per-tensor-norm.js';
export { adaptiveGradClip } from './clip/agc.js';
export { autoClip } from './clip/autoclip.js';
export { zClip } from './clip/zclip.js';
export { adaGC, type AdaGCOptions, type AdaGCState } from './clip/adagc.js';
export { clipUpdates, type UpdateClipOptions } from './clip/update-clip.js';
export { chain } from './clip/chain.js';
export { createStrategy } from './clip/registry.js';
export { resolveStrategy } from './clip/plugin.js';
export { createClipper, ClippingOptimizer } from './clip/clipper.js';
export { measureNorms, layerNorms, tensorNorm } from './clip/norms.js';
export type { ClipStrategy, ClipContext, ClipOutput, Measured } from './clip/types.js';
export { runConfigSchema, type RunConfig, type RunConfigInput, type NormType } from './config/schema.js';
export { loadConfigFile, nodeReader } from './config/load.js';
export { resolveConfig } from './config/merge.js';
export { createDetectors, createNonfiniteDetector, createSpikeDetector, createDivergenceDetector, createUpdateRatioDetector } from './detect/index.js';
export type { Detector, StepObservation } from './detect/index.js';
export { evaluate, toJUnitXml, annotations, stepSummary } from './check/index.js';
export type { CheckCriteria, CheckResult, CriterionResult } from './check/index.js';
export { loadLog, parseLog, stepRecordSchema, summarizeRecords, createRecordSummariser, type ParsedLog, type RecordSummary } from './log/index.js';
export { sweep, buildSweepPlan, recommend, mergeSweepDirs, type SweepReport, type Recommendation } from './sweep/index.js';
export { GclipError, EXIT, type ErrorCode, type Issue } from './errors.js';
export type { StepRecord, RunEvent, RunSummary, RunStatus } from './record.js';
export { encodeRecord, decodeRecord, RUN_FILES } from './log/index.js';
export { createJsonlSink } from './report/sinks/jsonl.js';
export type { Sink, RunMeta } from './report/sinks/types.js';
export { createTensorBoardSink } from './report/sinks/tensorboard.js';
export { initBackend, type BackendChoice } from './runtime/backend.js';
export { train, MODEL_DIR, type TrainOptions } from './train/run.js';
export { loadPlan, buildPlan } from './train/setup.js';
export { createStepUpdate, type StepUpdate } from './train/update-clip.js';
export { loadModelJson } from './models/model-json.js';
export { saveModel } from './models/save.js';
export { fuseRecurrentLayers, unfusableReason } from './models/fused-recurrent.js';
export { runSession, type SessionOptions } from './train/session.js';
export { monitor, type MonitorOptions, type MonitorRun, type MonitorStep } from './monitor/node.js';
export { replayStep, type ReplayOptions, type ReplayResult, type ReplayStart } from './train/replay.js';
export { compareRecords, CROSS_BACKEND_RTOL, type ReplayQuantity } from './train/replay-compare.js';
export { parseFault, INJECT_FORMS, type Fault, type FaultKind } from './config/inject-schema.js';
