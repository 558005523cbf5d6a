import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { zClip, zClipDecide, zClipNext, type ZClipOptions, type ZClipState } from './zclip.js';
import { runScripted } from '../../test/helpers/clip-run.js';
import { isGclipError } from '../errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs ZClip on one-element gradients of the given norms. */
function run(o: ZClipOptions, norms: readonly number[], restoreAt?: number) {
  return runScripted(() => zClip(o), norms.map((n) => [n]), restoreAt).map(({ numbers, state }) => ({ numbers, state }));
}

describe('zClip mode percentile', () => {
  // Warm-up [1, 2, 3]: μ = 2, σ² = 2/3, σ = 0.8165; band μ + 2σ = 3.633.
  const o: ZClipOptions = { mode: 'percentile', warmupSteps: 3, alpha: 0.5, zThreshold: 2 };
  const band = 2 + 2 * Math.sqrt(2 / 3);

  it('clips every norm above μ + z_t·σ to exactly that band, and feeds the band to the EMAs', () => {
    const s: ZClipState = { buffer: [], mean: 2, variance: 2 / 3 };
    const d = zClipDecide(s, 5, o);
    expect(d).toMatchObject({ phase: 'active', z: null, spike: true, clipVal: band, effectiveThreshold: band });
    expect(d.coef).toBe(band / (5 + 1e-6));
    const next = zClipNext(s, 5, o);
    // μ ← 0.5·2 + 0.5·band; σ² ← 0.5·(2/3) + 0.5·(band − μ_new)².
    const mean = 1 + 0.5 * band;
    expect(next.mean).toBe(mean);
    expect(next.variance).toBe(0.5 * (2 / 3) + 0.5 * (band - mean) ** 2);
  });

  it('leaves a norm just below the band untouched (no epsilon in the band, unlike the z-score)', () => {
    const d = zClipDecide({ buffer: [], mean: 2, variance: 2 / 3 }, band - 1e-9, o);
    expect(d).toMatchObject({ spike: false, clipVal: null, coef: 1 });
  });

  it('ignores clipOption and clipFactor, as the reference does', () => {
    const s: ZClipState = { buffer: [], mean: 2, variance: 2 / 3 };
    expect(zClipDecide(s, 5, { ...o, clipOption: 'mean', clipFactor: 0.5 })).toEqual(zClipDecide(s, 5, o));
  });

  it('caps with maxNorm when the cap is below the band, and skips the EMA update on spikes when asked', () => {
    const s: ZClipState = { buffer: [], mean: 2, variance: 2 / 3 };
    expect(zClipDecide(s, 5, { ...o, maxNorm: 3 }).effectiveThreshold).toBe(3);
    expect(zClipNext(s, 5, { ...o, skipUpdateOnSpike: true })).toBe(s);
  });

  it('clips in-graph to the band and reads back coef and threshold', () => {
    const numbers = run(o, [1, 2, 3, 5, 2.5]).map((r) => r.numbers);
    expect(numbers[2]!.coef).toBe(1);
    expect(numbers[3]!.threshold).toBeCloseTo(band, 5);
    expect(numbers[3]!.coef).toBeCloseTo(band / 5, 5);
    expect(numbers[4]!.coef).toBe(1);
  });

  it('serialised and restored mid-run gives identical numbers and states', () => {
    const norms = [1, 1.2, 0.9, 1.1, 5, 1, 0.95, 7, 1.05, 1.3];
    expect(run(o, norms, 5)).toEqual(run(o, norms));
  });

  it('rejects an unknown mode with invalid_clip_option at clip.mode', () => {
    try {
      zClip({ mode: 'quantile' as 'zscore' });
      expect.unreachable();
    } catch (e) {
      expect(isGclipError(e) && e.issues[0]!.path).toBe('clip.mode');
    }
  });
});
