/**
 * Reads the baseline for `gclip check --baseline summary.json`: a `RunSummary` written by
 * an earlier run. Only `finalLoss` and `preClipNorm.{median,p90}` are used; every other
 * field, known or not, is accepted and ignored, so summaries from other gclip versions load.
 */
import { z } from 'zod';
import type { Baseline } from './criteria.js';
import { logError, parseJson5 } from '../log/index.js';

/** A finite number, NaN/±Infinity written as strings by `log/codec`, or null. */
const stat = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number), z.null()])
  .optional()
  .transform((v) => (v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v));

/** Loose schema of the parts of a RunSummary a baseline needs. */
export const baselineSchema = z
  .looseObject({
    finalLoss: stat,
    preClipNorm: z.looseObject({ median: stat, p90: stat }),
  })
  .refine((b) => b.finalLoss !== null || b.preClipNorm.median !== null || b.preClipNorm.p90 !== null, {
    message: 'has no finite finalLoss, preClipNorm.median or preClipNorm.p90 to compare against',
  });

/**
 * Parses a baseline summary's text. Non-finite statistics become null (a criterion against
 * them fails as "cannot compare"). Throws GclipError exit 2 naming the file (and line for
 * bad JSON) when the text is not JSON or lacks `preClipNorm`.
 */
export function parseBaseline(text: string, file: string): Baseline {
  const doc = parseJson5(text, ({ reason, line }) => logError('baseline_bad_json', { file, line }, `baseline is not valid JSON: ${reason}`, 'Pass the summary.json that `gclip train` wrote.'));
  const parsed = baselineSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw logError('baseline_invalid', { file, path }, `baseline ${path ? `${path} ` : ''}${issue?.message ?? 'is invalid'}`, 'Pass the summary.json that `gclip train` wrote.');
  }
  const { finalLoss, preClipNorm } = parsed.data;
  return { finalLoss, preClipNorm: { median: preClipNorm.median, p90: preClipNorm.p90 } };
}
