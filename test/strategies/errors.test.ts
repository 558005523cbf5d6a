import { fileURLToPath } from 'node:url';
import { renderedError } from '../helpers/errors.js';
import { describe, expect, it } from 'vitest';
import { loadPluginStrategy } from '../../src/clip/plugin.js';
import { resolveConfig, type RawFlags } from '../../src/config/merge.js';
import { tf } from '../../src/runtime/tf.js';
import { clipUpdates } from '../../src/clip/update-clip.js';
import { createStepUpdate } from '../../src/train/update-clip.js';
import { buildSweepPlan } from '../../src/sweep/grid.js';
import { runConfigSchema } from '../../src/config/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const rendered = renderedError;

const flags = (f: RawFlags) => rendered(() => resolveConfig({ flags: f }));
const plugin = (module: string) => rendered(() => loadPluginStrategy({ kind: 'module', module, options: {}, normType: 2 }, { cwd: ROOT }));

describe('strategy flag errors (rendered)', () => {
  it('invalid_flag: --zclip-alpha out of range', async () => {
    expect(await flags({ zclipAlpha: '1.5' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --zclip-alpha: expected a number greater than 0 and less than 1, received '1.5'
        at clip.alpha (--zclip-alpha)
        → Use a number greater than 0 and less than 1, e.g. --zclip-alpha 0.97."
    `);
  });

  it('invalid_flag: --autoclip-percentile not a number', async () => {
    expect(await flags({ autoclipPercentile: 'p90' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --autoclip-percentile: expected a number from 0 to 100, received 'p90'
        at clip.percentile (--autoclip-percentile)
        → Use a number from 0 to 100, e.g. --autoclip-percentile 10."
    `);
  });

  it('invalid_flag: --agc-layout with did-you-mean', async () => {
    expect(await flags({ agcLayout: 'tim' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --agc-layout: expected one of 'optax' | 'timm', received 'tim'
        at clip.layout (--agc-layout)
        → Did you mean 'timm'?"
    `);
  });

  it('invalid_flag: --clip with a misspelt kind', async () => {
    expect(await flags({ clip: 'zclp' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --clip: expected one of 'none' | 'norm' | 'value' | 'tensor-norm' | 'agc' | 'autoclip' | 'zclip' | 'adagc' | 'module' | 'update-clip' | 'chain', received 'zclp'
        at clip.kind (--clip)
        → Did you mean 'zclip'?"
    `);
  });

  it('invalid_flag: --clip-options that is not JSON', async () => {
    expect(await flags({ clip: './c.js', clipOptions: '{maxNorm: }' })).toMatchInlineSnapshot(`
      "✖ Invalid value for --clip-options: expected a JSON object, received '{maxNorm: }' (JSON5: invalid character '}' at 1:11)
        at clip.options (--clip-options)
        → Quote it for the shell, e.g. --clip-options '{"maxNorm": 2}'."
    `);
  });

  it('conflicting_flags: --clip agc with a zclip option', async () => {
    expect(await flags({ clip: 'agc', zclipAlpha: '0.9' })).toMatchInlineSnapshot(`
      "✖ Conflicting flags --clip agc and --zclip-alpha 0.9: both set clip.kind ('agc' vs 'zclip')
        at clip.kind (--clip, --zclip-alpha)
        → Pass only one of them; --zclip-alpha alone already sets clip.kind to 'zclip'."
    `);
  });

  it('conflicting_flags: options of two strategies', async () => {
    expect(await flags({ autoclipPercentile: '10', zclipMaxNorm: '1' })).toMatchInlineSnapshot(`
      "✖ Conflicting flags --autoclip-percentile 10 and --zclip-max-norm 1: both set clip.kind ('autoclip' vs 'zclip')
        at clip.kind (--autoclip-percentile, --zclip-max-norm)
        → Pass only one of them; --autoclip-percentile alone already sets clip.kind to 'autoclip'."
    `);
  });

  it('conflicting_flags: a plugin module and --clip-norm', async () => {
    expect(await flags({ clip: './c.js', clipNorm: '1' })).toMatchInlineSnapshot(`
      "✖ Conflicting flags --clip ./c.js and --clip-norm 1: both set clip.kind ('module' vs 'norm')
        at clip.kind (--clip, --clip-norm)
        → Pass only one of them; --clip-norm alone already sets clip.kind to 'norm'."
    `);
  });
});

describe('plugin errors (rendered)', () => {
  it('plugin_not_found', async () => {
    expect(await plugin('./my-clip.js')).toMatchInlineSnapshot(`
      "✖ Clip plugin module not found: ./my-clip.js
        at clip.module (./my-clip.js)
        → Check the path: a flag is relative to the current directory, a config file entry to the config file."
    `);
  });

  it('invalid_plugin: missing next', async () => {
    expect(await plugin('fixtures/plugins/malformed-missing-next.js')).toMatchInlineSnapshot(`
      "✖ Clip plugin fixtures/plugins/malformed-missing-next.js is missing next (a function): the strategy has 'kind', 'init', 'apply'
        at clip.module (fixtures/plugins/malformed-missing-next.js)
        → A strategy is { kind: string, init(vars) → state, apply(grads, state, ctx) → { grads, readback }, next(state, measured) → state }."
    `);
  });

  it('plugin_load_failed: a module that does not parse', async () => {
    const importModule = async () => {
      throw new SyntaxError("Unexpected token '}'");
    };
    const load = () => loadPluginStrategy({ kind: 'module', module: './my-clip.js', options: {}, normType: 2 }, { cwd: ROOT, importModule });
    expect(await rendered(load)).toMatchInlineSnapshot(`
      "✖ Cannot load clip plugin ./my-clip.js: Unexpected token '}'
        at clip.module (./my-clip.js)
        → Run \`node ./my-clip.js\` to see the error in the module itself."
    `);
  });
});

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
      "✖ Invalid value for --adagc-beta: expected a number at least 0 and less than 1, received '1'
        at clip.beta (--adagc-beta)
        → Use a number at least 0 and less than 1, e.g. --adagc-beta 0.99."
    `);
  });

  it('update_clip_optimizer: the library refuses a non-Adam optimizer before the first step', async () => {
    const sgd = tf.train.sgd(0.1);
    expect(await rendered(() => createStepUpdate(sgd, [], clipUpdates()))).toMatchInlineSnapshot(`
      "✖ clip kind 'update-clip' scales Adam's update and needs tfjs's Adam optimizer, received 'SGD'
        at train.optimizer
        → Use --optimizer adam. In your own loop, pass the Adam optimizer as ctx.optimizer."
    `);
    sgd.dispose();
  });

  it('incompatible_strategy: gclip sweep --strategies update-clip on an SGD config', async () => {
    const sgd = runConfigSchema.parse({ train: { optimizer: 'sgd' } });
    expect(await rendered(() => buildSweepPlan(sgd, { strategies: ['update-clip'] }))).toMatchInlineSnapshot(`
      "✖ --strategies update-clip: clip kind 'update-clip' scales Adam's update and needs train.optimizer adam, received 'sgd'
        at strategies (--strategies)
        → Use --optimizer adam, or clip the gradient instead (e.g. --clip adagc or --clip zclip), which works with every optimizer."
    `);
  });
});
