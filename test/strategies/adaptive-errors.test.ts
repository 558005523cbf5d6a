/** Rendered errors of the adagc, update-clip and ZClip-mode options (one inline snapshot per issue). */
import { describe, expect, it } from 'vitest';
import { renderedError } from '../helpers/errors.js';
import { resolveConfig, type RawFlags } from '../../src/config/merge.js';
import { tf } from '../../src/runtime/tf.js';
import { clipUpdates } from '../../src/clip/update-clip.js';
import { createStepUpdate } from '../../src/train/update-clip.js';

const flags = (f: RawFlags) => renderedError(() => resolveConfig({ flags: f }));

describe('adaptive strategy errors (rendered)', () => {
  it('invalid_flag: update-clip with SGD names --optimizer and the alternatives', async () => {
    expect(await flags({ clip: 'update-clip', optimizer: 'sgd' })).toMatchInlineSnapshot(`
      "✖ clip kind 'update-clip' scales Adam's update and needs train.optimizer adam, received 'sgd'
        at train.optimizer (--optimizer)
        → Use --optimizer adam, or clip the gradient instead (e.g. --clip adagc or --clip zclip), which works with every optimizer."
    `);
  });

  it('invalid_flag: --adagc-beta out of range', async () => {
    expect(await flags({ adagcBeta: '1' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --adagc-beta: expected a number ≥ 0 and < 1, received '1'
        at clip.beta (--adagc-beta)
        → Use a number ≥ 0 and < 1, e.g. --adagc-beta 0.99."
    `);
  });

  it('invalid_flag: --zclip-mode with did-you-mean', async () => {
    expect(await flags({ zclipMode: 'percentil' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --zclip-mode: expected one of 'zscore' | 'percentile', received 'percentil'
        at clip.mode (--zclip-mode)
        → Did you mean 'percentile'?"
    `);
  });

  it('update_clip_optimizer: the library refuses a non-Adam optimizer before the first step', async () => {
    const sgd = tf.train.sgd(0.1);
    expect(await renderedError(() => createStepUpdate(sgd, [], clipUpdates()))).toMatchInlineSnapshot(`
      "✖ clip kind 'update-clip' scales Adam's update and needs tfjs's Adam optimizer, received 'SGD'
        at train.optimizer
        → Use --optimizer adam. In your own loop, pass the Adam optimizer as ctx.optimizer."
    `);
    sgd.dispose();
  });
});
