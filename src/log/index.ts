/**
 * The run log: the step record's schema and codec, the readers of gclip JSONL, CSV
 * (Lightning) and Hugging Face logs and of run directories, and the one summary of
 * records. `check`, `report` and `train` use it; it imports none of them. The training path
 * imports the light modules directly (`codec`, `types`, `summary`), not this barrel, so a
 * run does not load the foreign-log parsers.
 */
export { EVENT_KINDS, runEventSchema, stepRecordSchema, storedRecordSchema, type EventKind, type RunEvent, type StepRecord } from './schema.js';
export { decodeLine, decodeNumbers, decodeRecord, encodeNumbers, encodeRecord, stringifyWithNonFinite } from './codec.js';
export { parseDecimal, parseNumberCell } from './number-text.js';
export { BY_DESIGN_CLIP_RATE, clipKnowledge, logError, MAX_GRAD_NORM_HINT, RUN_FILES, type ClipKnowledge, type ColumnOptions, type LogFormat, type LogOptions, type ParsedLog } from './types.js';
export { foreignRecord, type ForeignStep } from './foreign.js';
export { DEFAULT_COLUMNS } from './csv.js';
export { detectLogFormat, loadLog, parseLog, type TextReader } from './read.js';
export { parseJson5, type JsonSyntax } from './json5.js';
export { loadRunDir, parseRunOutcome, withOutcomeBeside, parseRunSettings, readOrFail, type FileAccess, type RunDirLog, type RunOutcome } from './run-dir.js';
export { parseRunSettingsField, runSettings, settingRows, type RunSetting, type RunSettings, type SettingSource } from './settings.js';
export { createRecordSummariser, isNonfiniteStep, isRollbackStep, summarizeRecords, type RecordSummariser, type RecordSummary } from './summary.js';
export { blameLayer, createOnsetTracker, EARLY_STEPS, LOSS_FACTOR, NORM_FACTOR, RECENT_STEPS, type Onset, type OnsetSignal, type OnsetTracker, type Moments, momentRows, onsetText } from './onset.js';
export { lossSpikeOf, lossSpikesRow, lossSpikeText, type LossSpike, type LossSpikeEvent } from './loss-spike.js';
export { faultText, injectedRows, injectedText, stepNamer, type FaultParts, type InjectedEvent, type InjectedFault } from './injected.js';
