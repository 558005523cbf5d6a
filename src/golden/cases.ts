/**
 * Golden case dispatch: one checker per strategy kind, run in a tensor scope. Used by the
 * `test:golden` runner (`run.ts`) and by `test/golden/golden.test.ts`.
 *
 * Kinds listed in `KNOWN_KINDS` but without a checker are skipped (and named); a kind that
 * is in neither list fails loudly, so a new kind in a golden file is never silently ignored.
 */
import type { Failures } from './compare.js';
import type { GoldenCase } from './format.js';
import { inScope } from './tensors.js';
import { checkTorchClipGradNorm, checkTorchClipGradValue } from './check-torch.js';
import { checkKerasClipnorm, checkOptaxClipByGlobalNorm, checkTfClipByGlobalNorm } from './check-semantics.js';
import { checkAgcOptax, checkAgcTimm } from './check-agc.js';
import { checkAutoClip, checkAutoClipSequence, checkZClipSequence } from './check-adaptive.js';
import { checkAdaGCSequence } from './check-adagc.js';

type Checker = (c: GoldenCase, fails: Failures) => void;

const CHECKERS: Readonly<Record<string, Checker>> = {
  'torch.clip_grad_norm_': checkTorchClipGradNorm,
  'torch.clip_grad_value_': checkTorchClipGradValue,
  'tf.clip_by_global_norm': checkTfClipByGlobalNorm,
  'optax.clip_by_global_norm': checkOptaxClipByGlobalNorm,
  'keras.clipnorm': checkKerasClipnorm,
  agc: checkAgcOptax,
  agc_timm_layout: checkAgcTimm,
  autoclip: checkAutoClip,
  autoclip_sequence: checkAutoClipSequence,
  zclip_sequence: checkZClipSequence,
  adagc_sequence: checkAdaGCSequence,
};

/** The golden kinds this build checks. */
export const IMPLEMENTED_KINDS: readonly string[] = Object.keys(CHECKERS);

/** Every kind the clipping reference (§11) lists; those not implemented are skipped. */
export const KNOWN_KINDS: readonly string[] = [
  'torch.clip_grad_norm_',
  'torch.clip_grad_value_',
  'agc',
  'agc_timm_layout',
  'autoclip',
  'autoclip_sequence',
  'zclip_sequence',
  'tf.clip_by_global_norm',
  'keras.clipnorm',
  'optax.clip_by_global_norm',
];

/** The outcome of one case. */
export interface CaseResult {
  readonly id: string;
  readonly strategy: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** Why it failed (one line each) or why it was skipped. */
  readonly details: readonly string[];
}

/** Runs one case through its checker; never throws (an exception is a failure). */
export function checkCase(c: GoldenCase): CaseResult {
  const base = { id: String(c.id), strategy: String(c.strategy) };
  const checker = CHECKERS[c.strategy];
  if (checker === undefined) {
    if (KNOWN_KINDS.includes(c.strategy)) return { ...base, status: 'skip', details: [`kind ${c.strategy} not implemented yet`] };
    return { ...base, status: 'fail', details: [`unknown strategy kind ${JSON.stringify(c.strategy)}: no checker`] };
  }
  const fails: Failures = [];
  try {
    inScope(() => checker(c, fails));
  } catch (e) {
    fails.push(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  return { ...base, status: fails.length === 0 ? 'pass' : 'fail', details: fails };
}

/** Counts of a run. */
export interface GoldenSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Kinds skipped, each once. */
  readonly skippedKinds: readonly string[];
}

/** Summarises results; the runner's last line is `N passed, N failed, N skipped`. */
export function summarise(results: readonly CaseResult[]): GoldenSummary {
  const count = (s: CaseResult['status']): number => results.filter((r) => r.status === s).length;
  const skippedKinds = [...new Set(results.filter((r) => r.status === 'skip').map((r) => r.strategy))];
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip'), skippedKinds };
}
