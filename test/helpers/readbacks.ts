/**
 * What the one-readback-per-step tests share: a spy on every host readback and the table of
 * clip strategies they run (test/strategies/readback.test.ts on wasm,
 * test/node-backend/training.test.ts on tfjs-node).
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import type { RunConfigInput } from '../../src/config/schema.js';
import { tf } from '../../src/runtime/tf.js';

const PLUGIN = fileURLToPath(new URL('../../fixtures/plugins/scale-clip.js', import.meta.url));

/** One row per strategy (and norm order, chain and plugin): a test name and the `clip` config. */
export const CLIP_CASES: ReadonlyArray<[string, RunConfigInput['clip']]> = [
  ['none', { kind: 'none' }],
  ['norm', { kind: 'norm', maxNorm: 0.5 }],
  ['norm, p = 3', { kind: 'norm', maxNorm: 0.5, normType: 3 }],
  ['value', { kind: 'value', clipValue: 0.01 }],
  ['tensor-norm', { kind: 'tensor-norm', maxNorm: 0.1 }],
  ['agc', { kind: 'agc', excludeFinal: true }],
  ['autoclip', { kind: 'autoclip', window: 10 }],
  ['zclip (warm-up ends at step 5)', { kind: 'zclip', warmupSteps: 5, zThreshold: 0.5, maxNorm: 2 }],
  ['zclip, mode percentile', { kind: 'zclip', mode: 'percentile', warmupSteps: 5, zThreshold: 0.5 }],
  ['adagc (warm-up ends at step 5)', { kind: 'adagc', warmupSteps: 5 }],
  ['update-clip (Adam)', { kind: 'update-clip' }],
  ['chain: zclip then norm', { kind: 'chain', strategies: [{ kind: 'zclip', warmupSteps: 5 }, { kind: 'norm', maxNorm: 0.3 }] }],
  ['plugin module', { kind: 'module', module: PLUGIN, options: { maxNorm: 0.2 } }],
];

/**
 * Counts every `data()`, `dataSync()`, `array()` and `arraySync()` during each test of the
 * calling file (reset before each test, originals restored after it). Read `.count`.
 */
export function countReadbacks(): { count: number } {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { data: proto.data!, dataSync: proto.dataSync!, array: proto.array!, arraySync: proto.arraySync! };
  const counter = { count: 0 };
  beforeEach(() => {
    counter.count = 0;
    for (const [name, fn] of Object.entries(originals)) {
      proto[name] = function (this: unknown, ...args: unknown[]) {
        counter.count++;
        return fn.apply(this, args);
      };
    }
  });
  afterEach(() => {
    Object.assign(proto, originals);
  });
  return counter;
}

/**
 * Runs `body` with every tensor readback (`data`, `dataSync`, `array`, `arraySync`)
 * counted; returns its result and the count. The methods are restored even if it throws.
 */
export async function countReadbacksIn<T>(body: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { data: proto.data!, dataSync: proto.dataSync!, array: proto.array!, arraySync: proto.arraySync! };
  let reads = 0;
  for (const [name, fn] of Object.entries(originals)) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      reads++;
      return fn.apply(this, args);
    };
  }
  try {
    const result = await body();
    return { result, reads };
  } finally {
    Object.assign(proto, originals);
  }
}
