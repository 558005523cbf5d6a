/**
 * gclip's browser entry (`gclip/browser`, built to `dist/browser/gclip.js`): the monitor and
 * the clip strategies for training in a web page with the page's own tfjs, any backend.
 * Nothing here reaches a Node module (the build fails if anything does).
 */
export { monitor, type BrowserMonitorRun, type MonitorOptions, type MonitorRun, type MonitorStep } from './monitor/browser.js';
export { clipGradNorm, clipGradValue } from './clip/api.js';
export { clipByGlobalNorm } from './clip/global-norm.js';
export { clipByValue } from './clip/value.js';
export { clipPerTensorNorm } from './clip/per-tensor-norm.js';
export { adaptiveGradClip } from './clip/agc.js';
export { autoClip } from './clip/autoclip.js';
export { zClip } from './clip/zclip.js';
export { createStrategy } from './clip/registry.js';
export { encodeRecord, decodeRecord } from './log/codec.js';
export { GclipError } from './errors.js';
export type { StepRecord, RunSummary } from './record.js';
