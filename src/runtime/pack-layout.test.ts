import { describe, expect, it } from 'vitest';
import type { Scalar } from './tf.js';
import { PackLayout } from './pack-layout.js';

/** A stand-in tensor: `parts` only orders what it is given. */
const t = (name: string) => ({ name }) as unknown as Scalar;

describe('PackLayout', () => {
  it('places every quantity: [loss, pre, L pre, post, L post, weightsSum, val?, readback…, histograms…]', () => {
    // L = 2: loss 0, pre 1 (+2 layers), post 4 (+2), weightsSum 7, val 8, readback 9–10, histograms 11–15.
    const l = PackLayout.of(2, ['coef', 'threshold'], true, [3, 2]);
    expect([l.post, l.weightsSum, l.val, l.readback, l.histograms, l.size]).toEqual([4, 7, 8, 9, 11, 16]);
    const plain = PackLayout.of(2, ['coef', 'threshold'], false);
    expect([plain.post, plain.weightsSum, plain.val, plain.readback, plain.histograms, plain.size]).toEqual([4, 7, -1, 8, 10, 10]);
  });

  it('decodes what the op path packs: parts come in the decoder’s order', () => {
    const l = PackLayout.of(1, ['coef', 'norm'], true, [2]);
    const parts = l.parts({
      loss: t('loss'),
      pre: t('pre'),
      post: { tensor: t('pre'), by: t('coef') },
      weightsSum: t('ws'),
      val: t('val'),
      readback: { norm: t('norm'), coef: t('coef') },
      histograms: [t('h')],
    });
    const names = parts.map((p) => ('by' in p ? `${(p.tensor as unknown as { name: string }).name}×${(p.by as unknown as { name: string }).name}` : (p as unknown as { name: string }).name));
    expect(names).toEqual(['loss', 'pre', 'pre×coef', 'ws', 'val', 'coef', 'norm', 'h']);
    // The vector those parts make (pre and post are [total, layer] each, the histogram 2 values):
    const n = l.decode(Float32Array.of(0.5, 3, 2, 1.5, 1, Infinity, 0.25, 0.5, 2, 7, 8));
    expect([n.loss, n.preClipNorm, n.postClipNorm, n.weightsFinite, n.valLoss]).toEqual([0.5, 3, 1.5, false, 0.25]);
    expect([...n.preLayers, ...n.postLayers]).toEqual([2, 1]);
    expect(n.measured).toEqual({ preClipNorm: 3, coef: 0.5, norm: 2 });
    expect(n.histograms.map((h) => [...h])).toEqual([[7, 8]]);
  });

  it('writes a host kernel’s numbers where the decoder reads them, post = summary × scale in float32', () => {
    const l = PackLayout.of(2, ['coef', 'threshold'], false);
    const v = new Float32Array(l.size);
    const scale = Math.fround(0.3);
    l.write(v, { loss: 1.25, summary: [5, 3, 4], scale, weightsSum: 9, readback: [scale, 0.1] });
    const n = l.decode(v);
    expect([n.loss, n.preClipNorm, [...n.preLayers], n.weightsFinite, n.valLoss]).toEqual([1.25, 5, [3, 4], true, null]);
    // One rounding of the exact product, as tf.mul: fl32(5 · fl32(0.3)).
    expect([n.postClipNorm, ...n.postLayers]).toEqual([5, 3, 4].map((x) => Math.fround(x * scale)));
    expect(n.measured).toEqual({ preClipNorm: 5, coef: scale, threshold: Math.fround(0.1) });
    expect(n.histograms).toEqual([]);
  });

  it('shares one layout per shape, but builds histogram layouts afresh', () => {
    expect(PackLayout.of(3, ['coef'], false)).toBe(PackLayout.of(3, ['coef'], false));
    expect(PackLayout.of(3, ['coef'], false)).not.toBe(PackLayout.of(3, ['coef'], true));
    expect(PackLayout.of(3, ['a,b'], false)).not.toBe(PackLayout.of(3, ['a', 'b'], false));
    expect(PackLayout.of(1, [], false, [4])).not.toBe(PackLayout.of(1, [], false, [4]));
  });
});
