/**
 * On the op path (`cpu-ops` via $GCLIP_TEST_BACKEND) every strategy trains with one host
 * readback per step, and it is an awaited `data()` (never `dataSync()`, the host path's), no
 * gclip host kernel or fused update is dispatched, and the tensor count stays flat.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIP_CASES } from '../helpers/readbacks.js';
import { runConfigSchema } from '../../src/config/schema.js';
import { TEST_BACKEND_ENV } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';
import type { Sink } from '../../src/report/sinks/types.js';

const STEPS = 12;
const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
const originals = { data: proto.data!, dataSync: proto.dataSync!, array: proto.array!, arraySync: proto.arraySync!, runKernel: engine.runKernel };
const calls = { data: 0, dataSync: 0, array: 0, arraySync: 0 };
const kernels = new Set<string>();

beforeEach(() => {
  process.env[TEST_BACKEND_ENV] = 'cpu-ops';
  kernels.clear();
  for (const name of ['data', 'dataSync', 'array', 'arraySync'] as const) {
    calls[name] = 0;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      calls[name]++;
      return originals[name].apply(this, args);
    };
  }
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    kernels.add(name);
    return originals.runKernel.call(this, name, ...rest);
  };
});

afterEach(() => {
  delete process.env[TEST_BACKEND_ENV];
  Object.assign(proto, { data: originals.data, dataSync: originals.dataSync, array: originals.array, arraySync: originals.arraySync });
  engine.runKernel = originals.runKernel;
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('op path: one awaited data() per step, no host kernel, no tensor leak', () => {
  it.each(CLIP_CASES)('%s', async (_name, clip) => {
    const config = runConfigSchema.parse({ train: { steps: STEPS, evalEvery: 6 }, clip });
    // The first run activates cpu-ops and builds what is cached; count on a second one.
    await train(config, { now: () => 0 });
    const before = tf.memory().numTensors;
    Object.assign(calls, { data: 0, dataSync: 0, array: 0, arraySync: 0 });
    kernels.clear();
    const withUpdate: boolean[] = [];
    const sink: Sink = { name: 'update', open: async () => {}, close: async () => {}, write: async (r) => void withUpdate.push(Number.isFinite(r.updateNorm) && Object.keys(r.layerUpdateRatios ?? {}).length > 0) };
    const summary = await train(config, { now: () => 0, sinks: [sink] });
    expect([summary.steps, summary.backend, tf.getBackend()]).toEqual([STEPS, 'cpu-ops', 'cpu-ops']);
    // The update telemetry (ops against clones here) rides in the same awaited data().
    expect(withUpdate).toEqual(Array<boolean>(STEPS).fill(clip?.kind !== 'update-clip'));
    expect(calls).toEqual({ data: STEPS, dataSync: 0, array: 0, arraySync: 0 });
    expect([...kernels].filter((k) => k.startsWith('Gclip'))).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the same run on cpu takes the host path: dataSync and gclip kernels (the spies can see them)', async () => {
    delete process.env[TEST_BACKEND_ENV];
    const config = runConfigSchema.parse({ train: { steps: STEPS, evalEvery: 6 }, clip: { kind: 'norm', maxNorm: 0.5 }, backend: 'cpu' });
    await train(config, { now: () => 0 });
    expect(calls.dataSync).toBeGreaterThanOrEqual(STEPS);
    expect([...kernels].filter((k) => k.startsWith('Gclip')).length).toBeGreaterThan(0);
  });
});
