/**
 * Golden case dispatch: one checker per strategy kind, run in a tensor scope. Used by the
 * `test:golden` runner (`run.ts`) and by `test/golden/golden.test.ts`.
 *
 * Nothing is skipped: a kind without a checker, a parameter the checker does not know, or a
 * fixed constant with another value (torch's epsilon, numpy's interpolation) fails the case
 * loudly, so a golden file can never be half-run in silence.
 */
import type { Failures } from './compare.js';
import { num, type GoldenCase } from './format.js';
import { inScope } from './tensors.js';
import { checkTorchClipGradNorm, checkTorchClipGradValue } from './check-torch.js';
import { checkKerasClipnorm, checkOptaxClipByGlobalNorm, checkTfClipByGlobalNorm } from './check-semantics.js';
import { checkAgcOptax, checkAgcTimm } from './check-agc.js';
import { checkAutoClip, checkAutoClipSequence, checkZClipSequence } from './check-adaptive.js';
import { checkAdaGCSequence } from './check-adagc.js';
import { checkStableAdamWSequence } from './check-update-clip.js';

type Checker = (c: GoldenCase, fails: Failures) => void;

/** A kind's checker, the parameters it understands, and the constants it implements. */
interface KindSpec {
  readonly check: Checker;
  readonly params: readonly string[];
  /** Parameters whose value is fixed in gclip (another value cannot be run). */
  readonly fixed?: Readonly<Record<string, unknown>>;
}

const AGC_PARAMS = ['clipping', 'clip_factor', 'eps', 'div_eps', 'eps_div', 'layout', 'exclude_indices', 'exclude', 'clip_if'];
const AUTOCLIP_PARAMS = ['percentile', 'quantile', 'variant', 'interpolation', 'history_length', 'window'];

const KINDS: Readonly<Record<string, KindSpec>> = {
  'torch.clip_grad_norm_': { check: checkTorchClipGradNorm, params: ['max_norm', 'norm_type', 'error_if_nonfinite', 'eps_in_coef'], fixed: { eps_in_coef: 1e-6 } },
  'torch.clip_grad_value_': { check: checkTorchClipGradValue, params: ['clip_value'] },
  'tf.clip_by_global_norm': { check: checkTfClipByGlobalNorm, params: ['clip_norm'] },
  'optax.clip_by_global_norm': { check: checkOptaxClipByGlobalNorm, params: ['max_norm'] },
  'keras.clipnorm': { check: checkKerasClipnorm, params: ['clipnorm'] },
  agc: { check: checkAgcOptax, params: AGC_PARAMS },
  agc_timm_layout: { check: checkAgcTimm, params: AGC_PARAMS },
  autoclip: { check: checkAutoClip, params: AUTOCLIP_PARAMS, fixed: { interpolation: 'numpy linear' } },
  autoclip_sequence: { check: checkAutoClipSequence, params: AUTOCLIP_PARAMS, fixed: { interpolation: 'numpy linear' } },
  zclip_sequence: {
    check: checkZClipSequence,
    params: ['alpha', 'z_thresh', 'max_grad_norm', 'eps', 'warmup_steps', 'mode', 'clip_option', 'clip_factor', 'skip_update_on_spike'],
    fixed: { eps: 1e-6 },
  },
  adagc_sequence: { check: checkAdaGCSequence, params: ['clip_ratio', 'beta', 'eps', 'start_clip_steps', 'max_norm', 'norm_type'], fixed: { eps: 1e-6, norm_type: 2 } },
  stableadamw_sequence: { check: checkStableAdamWSequence, params: ['lr', 'betas', 'eps', 'clip_thresh', 'weight_decay'], fixed: { weight_decay: 0 } },
};

/** The golden kinds this build checks. */
export const IMPLEMENTED_KINDS: readonly string[] = Object.keys(KINDS);

/** The outcome of one case. */
export interface CaseResult {
  readonly id: string;
  readonly strategy: string;
  readonly status: 'pass' | 'fail';
  /** Why it failed, one line each. */
  readonly details: readonly string[];
}

const same = (a: unknown, b: unknown): boolean =>
  typeof b === 'number' ? typeof a === 'number' || typeof a === 'string' ? num(a) === b : false : a === b;

/** Parameters of `c` that its kind cannot run: unknown keys and fixed constants with other values. */
function unrunnableParams(c: GoldenCase, spec: KindSpec): string[] {
  const params = c.params ?? {};
  const unknown = Object.keys(params).filter((k) => !spec.params.includes(k));
  const problems = unknown.map((k) => `unknown option ${k}=${JSON.stringify(params[k])} for kind ${c.strategy}: this build cannot run it (known: ${spec.params.join(', ')})`);
  for (const [k, v] of Object.entries(spec.fixed ?? {})) {
    if (k in params && !same(params[k], v)) problems.push(`option ${k}=${JSON.stringify(params[k])} for kind ${c.strategy}: gclip implements only ${JSON.stringify(v)}`);
  }
  return problems;
}

/** Runs one case through its checker; never throws (an exception is a failure). */
export function checkCase(c: GoldenCase): CaseResult {
  const base = { id: String(c.id), strategy: String(c.strategy) };
  const spec = Object.hasOwn(KINDS, c.strategy) ? KINDS[c.strategy] : undefined;
  if (spec === undefined) {
    return { ...base, status: 'fail', details: [`unknown strategy kind ${JSON.stringify(c.strategy)}: no checker (this build checks ${IMPLEMENTED_KINDS.join(', ')})`] };
  }
  const fails: Failures = unrunnableParams(c, spec);
  if (fails.length > 0) return { ...base, status: 'fail', details: fails };
  try {
    inScope(() => spec.check(c, fails));
  } catch (e) {
    fails.push(`threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  return { ...base, status: fails.length === 0 ? 'pass' : 'fail', details: fails };
}

/** Counts of a run. */
export interface GoldenSummary {
  readonly passed: number;
  readonly failed: number;
}

/** Summarises results. */
export function summarise(results: readonly CaseResult[]): GoldenSummary {
  const passed = results.filter((r) => r.status === 'pass').length;
  return { passed, failed: results.length - passed };
}
