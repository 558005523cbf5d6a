/**
 * Config → strategy: the registry used by `gclip train` and by users who keep a `clip:`
 * block in a config. One factory per `ClipConfig` kind.
 */
import type { ClipConfig } from '../config/clip-schema.js';
import type { ClipStrategy } from './types.js';
import { clipByGlobalNorm } from './global-norm.js';
import { clipByValue } from './value.js';
import { noClip } from './none.js';

/**
 * Builds the strategy a validated `clip:` config block describes.
 * `none` → `noClip()`, `norm` → `clipByGlobalNorm`, `value` → `clipByValue`.
 * The returned strategy's state is plain data; call `init` before the first `apply`.
 */
export function createStrategy(config: ClipConfig): ClipStrategy {
  switch (config.kind) {
    case 'none':
      return noClip() as ClipStrategy;
    case 'norm':
      return clipByGlobalNorm({ maxNorm: config.maxNorm, normType: config.normType, semantics: config.semantics }) as ClipStrategy;
    case 'value':
      return clipByValue({ clipValue: config.clipValue }) as ClipStrategy;
  }
}
