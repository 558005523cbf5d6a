/**
 * The `check:` criteria schema. It lives in `src/config/check-schema.ts` because the run
 * config embeds it and `config` imports nothing from `check`; re-exported here so the
 * check modules and their callers keep one import path.
 */
export {
  baselineTolerancesSchema,
  checkDetectionSchema,
  checkSchema,
  clipRateBandSchema,
  gradNormBoundSchema,
  type CheckCriteria,
  type CheckCriteriaInput,
  type CheckDetection,
  type GradNormBound,
} from '../config/check-schema.js';
