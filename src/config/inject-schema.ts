/**
 * Fault injection specs (`inject: [...]`, `--inject`): text such as `nan@20` or
 * `spike@40:100:dense_1` that makes the training loop poison one step on purpose, so a
 * CI gate can prove that the halt/skip/rollback policy and `gclip check` catch a fault.
 * The config keeps the text (what the user wrote, what `config.json` records); `parseFault`
 * turns one into data. Semantics: docs/fault-injection.md.
 */
import { z } from 'zod';
import { flag } from './flag-meta.js';

/** The accepted forms, as every message about a bad spec names them. */
export const INJECT_FORMS = 'nan@K, inf@K, spike@K:F, spike@K:F:layer or loss-nan@K (K a step number ≥ 0, F a finite factor)';

/** What a fault does at its step. */
export type FaultKind = 'nan' | 'inf' | 'spike' | 'loss-nan';

/**
 * One injected fault. `nan`/`inf`: every gradient element of the step becomes NaN/+Infinity;
 * `spike`: the gradients (of `layer` only, when given) are multiplied by `factor`;
 * `loss-nan`: the step's loss becomes NaN (its gradients stay as computed).
 */
export interface Fault {
  readonly kind: FaultKind;
  readonly step: number;
  /** Gradient multiplier of a `spike`, else null. */
  readonly factor: number | null;
  /** The one layer a `spike` scales (a name of the run's layerNorms), else null: every layer. */
  readonly layer: string | null;
}

const SPEC = /^(nan|inf|spike|loss-nan)@(\d+)(?::([^:]+))?(?::(.+))?$/;

/** Parses one spec; returns the reason it is not one (a string) when it is not. */
export function parseFault(text: string): Fault | string {
  const m = SPEC.exec(text.trim());
  if (m === null) return `'${text}' is not a fault spec`;
  const [, kind, stepText, factorText, layer] = m as unknown as [string, FaultKind, string, string | undefined, string | undefined];
  const step = Number(stepText);
  if (!Number.isSafeInteger(step)) return `'${text}': step ${stepText} is too large`;
  if (kind !== 'spike') return factorText === undefined ? { kind, step, factor: null, layer: null } : `'${text}': ${kind} takes no ':' part`;
  const factor = factorText === undefined ? Number.NaN : Number(factorText);
  if (factorText === undefined || factorText.trim() === '' || !Number.isFinite(factor)) return `'${text}': spike needs a finite factor F (spike@K:F)`;
  return { kind, step, factor, layer: layer ?? null };
}

/**
 * The `inject:` field: a list of specs, each checked by `parseFault` (a bad one is an
 * `invalid_config`/`invalid_flag` issue naming the spec and the accepted forms). Absent by
 * default, so a config without it (its `config.json`, its checkpoint hash) is as before.
 */
export const injectSchema = z
  .array(z.string())
  .superRefine((specs, ctx) => {
    for (const [i, spec] of specs.entries()) {
      const fault = parseFault(spec);
      if (typeof fault === 'string') {
        ctx.addIssue({ code: 'custom', path: [i], message: `Invalid fault injection: ${fault}; expected ${INJECT_FORMS}`, params: { hint: 'Write e.g. --inject nan@20 or inject: [nan@20, spike@40:100]; see docs/fault-injection.md.' } });
      }
    }
  })
  .optional()
  .meta(flag('--inject', `inject a fault to test the gate: ${INJECT_FORMS}; repeatable, or comma-separated`, { arg: 'fault' }));
