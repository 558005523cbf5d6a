import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/schema.js';
import { isGclipError } from '../../src/errors.js';
import { saveModel } from '../../src/models/save.js';
import { initBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';

describe('a user model tfjs cannot differentiate', () => {
  it('is bad input (exit 2) naming the backend and the cause, not an internal error', async () => {
    await initBackend('wasm');
    const dir = mkdtempSync(join(tmpdir(), 'gclip-dilated-'));
    // tfjs 4.22 has no gradient for dilated convolutions on any backend.
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4 }),
      ],
    });
    await saveModel(model, dir);
    model.dispose();
    const before = tf.memory().numTensors;
    const config = runConfigSchema.parse({ model: { kind: 'file', path: join(dir, 'model.json') }, data: { kind: 'images' }, train: { steps: 2 } });
    const error = await train(config, { backend: 'wasm' }).catch((e: unknown) => e);
    expect(isGclipError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'model_not_trainable', exitCode: 2 });
    expect((error as Error).message).toMatch(/cannot train this model on the wasm backend: .*dilation/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
