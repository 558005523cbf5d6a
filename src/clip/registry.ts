/**
 * Config → strategy: the registry used by `gclip train` and by users who keep a `clip:`
 * block in a config. One factory per `ClipConfig` kind; options pass through unchanged.
 */
import type { ClipConfig, LeafClipConfig } from '../config/clip-schema.js';
import type { ClipStrategy } from './types.js';
import { clipByGlobalNorm } from './global-norm.js';
import { clipByValue } from './value.js';
import { noClip } from './none.js';
import { clipPerTensorNorm } from './per-tensor-norm.js';
import { adaptiveGradClip } from './agc.js';
import { autoClip } from './autoclip.js';
import { zClip } from './zclip.js';
import { adaGC } from './adagc.js';
import { clipUpdates } from './update-clip.js';
import { chain } from './chain.js';
import { inputError } from '../errors.js';

/** Every kind `createStrategy` accepts (`module` plugins need the async `resolveStrategy`). */
export const CLIP_KINDS = ['none', 'norm', 'value', 'tensor-norm', 'agc', 'autoclip', 'zclip', 'adagc', 'update-clip', 'chain'] as const;

function createLeaf(config: LeafClipConfig): ClipStrategy {
  switch (config.kind) {
    case 'none':
      return noClip() as ClipStrategy;
    case 'norm':
      return clipByGlobalNorm({ maxNorm: config.maxNorm, normType: config.normType, semantics: config.semantics }) as ClipStrategy;
    case 'value':
      return clipByValue({ clipValue: config.clipValue }) as ClipStrategy;
    case 'tensor-norm':
      return clipPerTensorNorm({ maxNorm: config.maxNorm }) as ClipStrategy;
    case 'agc': {
      const { kind: _k, normType: _n, ...options } = config;
      return adaptiveGradClip(options) as ClipStrategy;
    }
    case 'autoclip': {
      const { kind: _k, normType: _n, ...options } = config;
      return autoClip(options) as ClipStrategy;
    }
    case 'zclip': {
      const { kind: _k, normType: _n, ...options } = config;
      return zClip(options) as ClipStrategy;
    }
    case 'adagc': {
      const { kind: _k, normType: _n, ...options } = config;
      return adaGC(options) as ClipStrategy;
    }
    case 'module':
      throw inputError('plugin_not_loaded', {
        path: 'clip.module',
        message: `The clip strategy in ${config.module} is a plugin module, which must be loaded asynchronously`,
        hint: 'Call `await resolveStrategy(config.clip, { cwd })` (src/clip/plugin.ts) instead of createStrategy.',
      });
  }
}

/**
 * Builds the strategy a validated `clip:` config block describes (`none` → `noClip`,
 * `norm` → `clipByGlobalNorm`, `value` → `clipByValue`, `tensor-norm` → `clipPerTensorNorm`,
 * `agc` → `adaptiveGradClip`, `autoclip` → `autoClip`, `zclip` → `zClip`, `adagc` → `adaGC`, `update-clip` → `clipUpdates`, `chain` → `chain`
 * of its children). Options are re-validated by the factories (they are public API too).
 * The strategy's state is plain data; call `init` before the first `apply`.
 * @throws GclipError `plugin_not_loaded` for `kind: module` (loading is async: use `resolveStrategy`).
 */
export function createStrategy(config: ClipConfig): ClipStrategy {
  if (config.kind === 'chain') return chain(...config.strategies.map(createLeaf)) as ClipStrategy;
  if (config.kind === 'update-clip') return clipUpdates({ maxRms: config.maxRms }) as ClipStrategy;
  return createLeaf(config);
}
