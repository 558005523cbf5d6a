import { describe, expect, it } from 'vitest';
import { leafClipSchema } from '../config/clip-schema.js';
import { GclipError } from '../errors.js';
import { adaptiveGradClip } from './agc.js';
import { autoClip } from './autoclip.js';
import { clipByGlobalNorm } from './global-norm.js';
import { clipByValue } from './value.js';
import { zClip } from './zclip.js';
import type { ClipStrategy } from './types.js';

/** The message a factory call throws with (its code must be invalid_clip_option). */
function message(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    if (!(e instanceof GclipError)) throw e;
    expect(e.code).toBe('invalid_clip_option');
    return e.issues[0]!.message;
  }
  throw new Error('expected the factory to throw');
}

describe('strategy factories read their defaults from the clip schema', () => {
  it.each([
    ['zclip', () => zClip()],
    ['autoclip', () => autoClip()],
    ['agc', () => adaptiveGradClip()],
  ] as const)('%s: every option it shares with the schema has the schema default', (kind, make) => {
    const { kind: _kind, normType: _normType, ...defaults } = leafClipSchema.parse({ kind });
    expect((make() as ClipStrategy).options).toMatchObject(defaults);
  });

  it('norm: normType and semantics as the schema fills them in', () => {
    const { normType, semantics } = leafClipSchema.parse({ kind: 'norm', maxNorm: 1 }) as { normType: unknown; semantics: unknown };
    expect(clipByGlobalNorm({ maxNorm: 1 }).options).toEqual({ maxNorm: 1, normType, semantics });
  });
});

describe('factory messages state the schema bound, exclusive or inclusive', () => {
  it.each([
    ['zclip alpha above an exclusive bound', () => zClip({ alpha: 1.5 }), 'clip.alpha must be a number in (0, 1), received 1.5'],
    ['zclip alpha at the exclusive bound', () => zClip({ alpha: 1 }), 'clip.alpha must be a number in (0, 1), received 1'],
    ['zclip warm-up not an integer', () => zClip({ warmupSteps: 2.5 }), 'clip.warmupSteps must be an integer greater than 0, received 2.5'],
    ['autoclip percentile above an inclusive bound', () => autoClip({ percentile: 101 }), 'clip.percentile must be a number in [0, 100], received 101'],
    ['norm maxNorm at zero', () => clipByGlobalNorm({ maxNorm: 0 }), 'clip.maxNorm must be a finite number greater than 0, received 0'],
    ['value clipValue infinite', () => clipByValue({ clipValue: Infinity }), 'clip.clipValue must be a finite number greater than 0, received Infinity'],
    ['norm semantics unknown', () => clipByGlobalNorm({ maxNorm: 1, semantics: 'keras' as 'tf' }), 'clip.semantics must be "torch", "exact" or "tf", received "keras"'],
    ['agc layout unknown', () => adaptiveGradClip({ layout: 'nchw' as 'timm' }), 'clip.layout must be "optax" or "timm", received "nchw"'],
    ['zclip flag not a boolean', () => zClip({ skipUpdateOnSpike: 1 as unknown as boolean }), 'clip.skipUpdateOnSpike must be true or false, received 1'],
    ['norm normType below 1', () => clipByGlobalNorm({ maxNorm: 1, normType: 0.5 }), 'clip.normType must be a number ≥ 1 or "inf", received 0.5'],
  ])('%s', (_name, make, expected) => {
    expect(message(make)).toBe(expected);
  });

  it('accepts values at an inclusive bound and just inside an exclusive one', () => {
    expect(autoClip({ percentile: 100 }).options.percentile).toBe(100);
    expect(zClip({ alpha: 0.999 }).options.alpha).toBe(0.999);
    expect(clipByGlobalNorm({ maxNorm: 1, normType: Infinity }).options.normType).toBe('inf');
  });
});
