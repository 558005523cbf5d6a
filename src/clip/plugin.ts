/**
 * Plugin strategies (kind `module`): a user's own `ClipStrategy` from a JS module, loaded
 * with dynamic `import()`, validated on load and guarded at run time, so a malformed plugin
 * fails with a GclipError (exit 2) naming the file and what is wrong instead of a stack
 * trace from inside the training loop (the checks: `plugin-guard.ts`).
 *
 * Of the optional declarations (`ClipStrategy`), a plugin may make two, checked on load and
 * kept by the guard: `scalesUniformly` (a boolean: `apply` multiplies every gradient by
 * `readback.coef`, or 1 without one) and `fixedThreshold` (a finite number > 0 logged as
 * every step's threshold). A `fusedStep` is refused: fused kernels are gclip's own, and a
 * plugin's `apply` runs on every step.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tf } from '../runtime/tf.js';
import type { ClipConfig, LeafClipConfig } from '../config/clip-schema.js';
import { GclipError, inputError, isGclipError } from '../errors.js';
import { createStrategy } from './registry.js';
import { chain } from './chain.js';
import type { ClipStrategy } from './types.js';
import { bad, checkShape, describeKeys, guardPlugin, messageOf } from './plugin-guard.js';

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
