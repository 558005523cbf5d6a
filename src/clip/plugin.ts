/**
 * Plugin strategies (kind `module`): a user's own `ClipStrategy` from a JS module, loaded
 * with dynamic `import()`, validated on load and guarded at run time, so a malformed plugin
 * fails with a GclipError (exit 2) naming the file and what is wrong instead of a stack
 * trace from inside the training loop.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tf } from '../runtime/tf.js';
import type { Tensor } from '../runtime/tf.js';
import type { ClipConfig, LeafClipConfig } from '../config/clip-schema.js';
import { GclipError, inputError, isGclipError } from '../errors.js';
import { CLIP_KINDS, createStrategy } from './registry.js';
import { chain } from './chain.js';
import type { ClipOutput, ClipStrategy } from './types.js';

/** What gclip passes to a plugin's factory: its own `tf` (so plugins never import tfjs) and the options. */
export interface PluginFactoryArgs {
  /** The `@tensorflow/tfjs` namespace gclip trains with (same backend, same engine). */
  readonly tf: typeof tf;
  /** `clip.options` from the config (or `--clip-options`), plain JSON; `{}` when absent. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A plugin module's export: a factory `create({ tf, options })` or a strategy object. */
export type PluginExport = ((args: PluginFactoryArgs) => ClipStrategy) | ClipStrategy;

/** Options of `resolveStrategy` and `loadPluginStrategy`. */
export interface ResolveStrategyOptions {
  /**
   * Directory relative module paths are resolved against. `config/merge` already rewrites a
   * file's relative `clip.module` to be relative to the working directory, so pass that.
   * Default: `process.cwd()`.
   */
  readonly cwd?: string;
  /** Module loader; default dynamic `import()` (tests inject one). */
  readonly importModule?: (url: string) => Promise<Record<string, unknown>>;
}

type ModuleConfig = Extract<LeafClipConfig, { kind: 'module' }>;

/**
 * Builds the strategy a `clip:` block describes, loading plugin modules (`kind: module`,
 * also as `chain` children). Built-in kinds go through the synchronous `createStrategy`.
 * @throws GclipError (exit 2) `plugin_not_found`, `plugin_load_failed`, `invalid_plugin`
 *   naming the module file and what is missing; the errors of `createStrategy` otherwise.
 */
export async function resolveStrategy(config: ClipConfig, options: ResolveStrategyOptions = {}): Promise<ClipStrategy> {
  if (config.kind === 'module') return loadPluginStrategy(config, options);
  if (config.kind !== 'chain' || !config.strategies.some((s) => s.kind === 'module')) return createStrategy(config);
  const children = await Promise.all(
    config.strategies.map((s) => (s.kind === 'module' ? loadPluginStrategy(s, options) : createStrategy(s))),
  );
  return chain(...children) as ClipStrategy;
}

/** The absolute file URL of `spec` (a path relative to `cwd`, an absolute path, or a `file:` URL). */
export function pluginUrl(spec: string, cwd: string): string {
  if (spec.startsWith('file:')) return spec;
  return pathToFileURL(isAbsolute(spec) ? spec : resolvePath(cwd, spec)).href;
}

const defaultImport = (url: string) => import(url) as Promise<Record<string, unknown>>;

/**
 * Loads `config.module`, calls its factory with `{ tf, options }` (or takes its strategy
 * object), checks the contract and returns the strategy wrapped in run-time guards
 * (`guardPlugin`). The module's export is its `default`, else a named `createStrategy` or `strategy`.
 */
export async function loadPluginStrategy(config: ModuleConfig, o: ResolveStrategyOptions = {}): Promise<ClipStrategy> {
  const file = config.module;
  const url = pluginUrl(file, o.cwd ?? process.cwd());
  let mod: Record<string, unknown>;
  try {
    mod = await (o.importModule ?? defaultImport)(url);
  } catch (error) {
    throw loadError(file, error);
  }
  const exported = mod.default ?? mod.createStrategy ?? mod.strategy;
  if (exported === undefined) {
    bad(file, 'exports nothing gclip can use', `found ${describeKeys(mod, 'no exports')}`, 'Add `export default function create({ tf, options }) { return { kind, init, apply, next }; }`.');
  }
  const strategy = typeof exported === 'function' ? callFactory(file, exported as (args: PluginFactoryArgs) => unknown, config.options) : exported;
  return guardPlugin(file, checkShape(file, strategy));
}

function callFactory(file: string, factory: (args: PluginFactoryArgs) => unknown, options: Readonly<Record<string, unknown>>): unknown {
  try {
    return factory({ tf, options: structuredClone(options) });
  } catch (error) {
    if (isGclipError(error)) throw error;
    return bad(file, 'its factory threw', messageOf(error), 'Check the options you pass with clip.options / --clip-options.');
  }
}

/** Checks `kind`, `init`, `apply`, `next` (and a thenable, i.e. an async factory). */
function checkShape(file: string, value: unknown): ClipStrategy {
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
  return { options: {}, ...(s as object) } as ClipStrategy;
}

/**
 * Wraps a plugin strategy so that a contract violation at run time becomes an
 * `invalid_plugin` error naming the file: `init`/`next` must return JSON data (no tensors,
 * functions, NaN or cycles; checked by a walk, no readback), `apply` must return one
 * gradient tensor per input of the same shape and a readback of scalar tensors.
 */
export function guardPlugin<S>(file: string, strategy: ClipStrategy<S>): ClipStrategy<S> {
  return {
    kind: strategy.kind,
    options: strategy.options,
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

function loadError(file: string, error: unknown): GclipError {
  const code = (error as { code?: unknown } | null)?.code;
  const notFound = code === 'ERR_MODULE_NOT_FOUND' && messageOf(error).includes(file.replace(/^\.\//, ''));
  if (notFound) {
    return inputError('plugin_not_found', {
      path: 'clip.module',
      message: `Clip plugin module not found: ${file}`,
      hint: 'Check the path: a flag is relative to the current directory, a config file entry to the config file.',
      source: file,
    });
  }
  const ts = /\.[cm]?tsx?$/.test(file) ? ' Node cannot import TypeScript directly: compile the plugin to .js first.' : '';
  return inputError('plugin_load_failed', {
    path: 'clip.module',
    message: `Cannot load clip plugin ${file}: ${messageOf(error)}`,
    hint: `Run \`node ${file}\` to see the error in the module itself.${ts}`,
    source: file,
  });
}

function bad(file: string, what: string, detail: string, hint: string): never {
  throw inputError('invalid_plugin', { path: 'clip.module', message: `Clip plugin ${file} ${what}: ${detail}`, hint, source: file });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function describeKeys(value: object, none: string): string {
  const keys = Object.keys(value);
  return keys.length === 0 ? none : keys.map((k) => `'${k}'`).join(', ');
}
