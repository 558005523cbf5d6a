/**
 * The plugin contract, checked: the shape and declarations of a plugin's strategy on load
 * (`checkShape`), and guards that turn a violation at run time into an `invalid_plugin`
 * error naming the file (`guardPlugin`). The contract itself: `plugin.ts`.
 */
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import { inputError, isGclipError } from '../errors.js';
import { CLIP_KINDS } from './registry.js';
import type { StrategyTraits } from './stateless.js';
import type { ClipOutput, ClipStrategy } from './types.js';

/** Checks `kind`, `init`, `apply`, `next` (and a thenable, i.e. an async factory). */
export function checkShape(file: string, value: unknown): ClipStrategy {
  if (typeof value !== 'object' || value === null) {
    bad(file, 'does not provide a strategy object', `received ${describe(value)}`, 'Return (or export) an object { kind, init, apply, next }.');
  }
  const s = value as Record<string, unknown>;
  if (typeof s.then === 'function') bad(file, 'has an async factory', 'received a Promise', 'Make the factory synchronous; do async set-up at module top level.');
  const missing = ['init', 'apply', 'next'].filter((k) => typeof s[k] !== 'function');
  const kindOk = typeof s.kind === 'string' && s.kind.length > 0;
  if (!kindOk) missing.unshift('kind (a non-empty string)');
  if (missing.length > 0) {
    const what = missing.map((k) => (k.startsWith('kind') ? k : `${k} (a function)`)).join(', ');
    bad(file, `is missing ${what}`, `the strategy has ${describeKeys(s, 'no fields')}`, 'A strategy is { kind: string, init(vars) → state, apply(grads, state, ctx) → { grads, readback }, next(state, measured) → state }.');
  }
  if ((CLIP_KINDS as readonly string[]).includes(s.kind as string) || s.kind === 'module') {
    bad(file, `uses the built-in kind '${String(s.kind)}'`, 'plugin kinds must differ from built-ins', "Rename it, e.g. kind: 'my-clip'.");
  }
  if (s.options !== undefined && (typeof s.options !== 'object' || s.options === null)) {
    bad(file, 'has options that are not an object', `received ${describe(s.options)}`, 'Leave options out or make it a plain object.');
  }
  checkDeclarations(file, s);
  return { options: {}, ...(s as object) } as ClipStrategy;
}

/** Checks the optional declarations a plugin may make (the contract: `plugin.ts`). */
function checkDeclarations(file: string, s: Record<string, unknown>): void {
  if (s.scalesUniformly !== undefined && typeof s.scalesUniformly !== 'boolean') {
    bad(file, 'has a scalesUniformly that is not a boolean', `received ${describe(s.scalesUniformly)}`, 'Use true only when apply() multiplies every gradient by readback.coef; else leave it out.');
  }
  const t = s.fixedThreshold;
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t) && t > 0)) {
    bad(file, 'has a fixedThreshold that is not a finite number greater than 0', `received ${describe(t)}`, 'Leave it out when the threshold changes; then readback.threshold is logged.');
  }
  if (s.fusedStep !== undefined) {
    bad(file, 'declares a fusedStep', 'fused kernels are built into gclip', 'Remove fusedStep; gclip runs your apply() on every step.');
  }
}

/** The declarations of `strategy` that a guard keeps (only those it makes). */
function declarationsOf(strategy: ClipStrategy): StrategyTraits {
  const { fixedThreshold, scalesUniformly, clipRateByDesign } = strategy;
  return {
    ...(fixedThreshold !== undefined && { fixedThreshold }),
    ...(scalesUniformly !== undefined && { scalesUniformly }),
    ...(clipRateByDesign === true && { clipRateByDesign }),
  };
}

/**
 * Wraps a plugin strategy so that a contract violation at run time becomes an
 * `invalid_plugin` error naming the file: `init`/`next` must return JSON data (no tensors,
 * functions, NaN or cycles; checked by a walk, no readback), `apply` must return one
 * gradient tensor per input of the same shape and a readback of scalar tensors. Keeps the
 * plugin's `fixedThreshold`, `scalesUniformly` and `clipRateByDesign`; never a `fusedStep`.
 */
export function guardPlugin<S>(file: string, strategy: ClipStrategy<S>): ClipStrategy<S> {
  return {
    kind: strategy.kind,
    options: strategy.options,
    ...declarationsOf(strategy as ClipStrategy),
    init: (vars) => checkState(file, 'init', guarded(file, 'init', () => strategy.init(vars))),
    apply: (grads, state, ctx) => checkOutput(file, grads, guarded(file, 'apply', () => strategy.apply(grads, state, ctx))),
    next: (state, measured) => checkState(file, 'next', guarded(file, 'next', () => strategy.next(state, measured))),
  };
}

function guarded<T>(file: string, method: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (isGclipError(error)) throw error;
    return bad(file, `threw in ${method}()`, messageOf(error), `Fix ${method}() in the plugin; gclip calls it as documented in docs/strategies.md.`);
  }
}

function checkState<S>(file: string, method: string, state: S): S {
  const problem = nonJson(state, 'state');
  if (problem !== null) {
    bad(file, `returned state from ${method}() that is not JSON data`, problem, 'Keep state as plain numbers, strings, booleans, null, arrays and objects (no tensors, no NaN); use null for "unset".');
  }
  return state;
}

/** Where `value` stops being JSON data, or null when it is JSON data. */
function nonJson(value: unknown, at: string, seen = new Set<unknown>()): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${at} is ${value}`;
  if (typeof value !== 'object') return `${at} is ${value === undefined ? 'undefined' : `a ${typeof value}`}`;
  if (value instanceof tf.Tensor) return `${at} is a tensor`;
  if (seen.has(value)) return `${at} is a circular reference`;
  seen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return `${at} is a ${proto?.constructor?.name ?? 'class instance'}`;
  for (const [k, v] of Object.entries(value)) {
    const problem = nonJson(v, Array.isArray(value) ? `${at}[${k}]` : `${at}.${k}`, seen);
    if (problem !== null) return problem;
  }
  seen.delete(value);
  return null;
}

function checkOutput(file: string, grads: readonly Tensor[], out: ClipOutput): ClipOutput {
  const hint = 'apply() must return { grads: one tensor per input gradient, same shapes, readback: { name: scalar tensor } }.';
  if (typeof out !== 'object' || out === null || !Array.isArray(out.grads)) bad(file, 'returned no grads array from apply()', `received ${describe(out)}`, hint);
  if (out.grads.length !== grads.length) bad(file, 'returned the wrong number of gradients from apply()', `expected ${grads.length}, received ${out.grads.length}`, hint);
  out.grads.forEach((g, i) => {
    const expected = grads[i] as Tensor;
    if (!(g instanceof tf.Tensor) || g.shape.join(',') !== expected.shape.join(',')) {
      bad(file, `returned a bad gradient ${i} from apply()`, `expected a tensor of shape [${expected.shape.join(', ')}], received ${g instanceof tf.Tensor ? `shape [${g.shape.join(', ')}]` : describe(g)}`, hint);
    }
  });
  const readback = out.readback ?? {};
  for (const [k, v] of Object.entries(readback)) {
    if (!(v instanceof tf.Tensor) || v.size !== 1) bad(file, `returned a bad readback '${k}' from apply()`, `expected a scalar tensor, received ${v instanceof tf.Tensor ? `shape [${v.shape.join(', ')}]` : describe(v)}`, hint);
  }
  return { grads: out.grads, readback };
}

/** Throws `invalid_plugin` for `file`: what is wrong, the detail, how to fix it. */
export function bad(file: string, what: string, detail: string, hint: string): never {
  throw inputError('invalid_plugin', { path: 'clip.module', message: `Clip plugin ${file} ${what}: ${detail}`, hint, source: file });
}

/** The first line of a thrown value's message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** `'a', 'b'` for the keys of `value`, or `none`. */
export function describeKeys(value: object, none: string): string {
  const keys = Object.keys(value);
  return keys.length === 0 ? none : keys.map((k) => `'${k}'`).join(', ');
}
