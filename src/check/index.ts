/**
 * `gclip check`: CI stability gates. Judge a run's records (read by `log/`, or taken from
 * a training run) against the `check:` criteria, and render the verdict as JUnit XML or
 * GitHub Actions commands and step summary. Everything here is pure.
 */
export { checkSchema, checkDetectionSchema, clipRateBandSchema, gradNormBoundSchema, baselineTolerancesSchema } from './schema.js';
export type { CheckCriteria, CheckCriteriaInput, CheckDetection, GradNormBound } from './schema.js';
export { evaluate } from './criteria.js';
export type { Baseline, Bound, CheckResult, CriterionResult } from './criteria.js';
export { parseBaseline, baselineSchema } from './baseline.js';
export { toJUnitXml } from './junit.js';
export type { JUnitOptions } from './junit.js';
export { annotations, escapeData, escapeProperty, markdownCell, stepSummary, workflowCommand } from './github.js';
export type { AnnotationOptions, CommandProperties } from './github.js';
export { formatBound, VERDICT } from './format.js';
