import { beforeAll, describe, expect, it, vi } from 'vitest';
import { clipByGlobalNorm } from '../clip/global-norm.js';
import { noClip } from '../clip/none.js';
import { stateless } from '../clip/stateless.js';
import type { ClipStrategy } from '../clip/types.js';
import { runConfigSchema } from '../config/schema.js';
import type { StepRecord } from '../record.js';
import { initBackend } from '../runtime/backend.js';
import { tf } from '../runtime/tf.js';
import { runLoop } from './loop.js';
import { buildPlan } from './setup.js';
import { computeStep, type StepOptions } from './step.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const config = () =>
  runConfigSchema.parse({ model: { kind: 'mlp', hidden: [8] }, data: { kind: 'regression', features: 4, samples: 64, batchSize: 16 }, train: { steps: 4 } });

/** One step of `strategy` on a fresh MLP plan: its decoded numbers (tensors disposed). */
function step(strategy: ClipStrategy, opts: Partial<StepOptions> = {}) {
  const plan = buildPlan(config());
  try {
    const out = computeStep(plan, strategy, strategy.init(plan.vars), { step: 0, normType: 2, evaluate: false, ...opts });
    const n = out.layout.decode(out.packed.dataSync<'float32'>());
    tf.dispose([out.packed, ...out.grads]);
    return n;
  } finally {
    plan.dispose();
  }
}

describe('the loop asks the strategy for its fast path', () => {
  it('runs the built-in global-norm clip through its fused step, and its apply where that cannot pack', () => {
    const s = clipByGlobalNorm({ maxNorm: 0.01 });
    const apply = vi.spyOn(s, 'apply');
    const fused = step(s);
    expect(apply).not.toHaveBeenCalled();
    const general = step(s, { evaluate: true });
    expect(apply).toHaveBeenCalledTimes(1);
    // Same numbers either way (same plan, same seed): the fused step is the general path in one kernel.
    expect([fused.preClipNorm, fused.postClipNorm, fused.measured.coef]).toEqual([general.preClipNorm, general.postClipNorm, general.measured.coef]);
  });

  it('runs a user strategy with kind norm through its own apply, even when copied from the built-in', () => {
    const builtin = clipByGlobalNorm({ maxNorm: 0.01 });
    const own = vi.fn((grads: readonly tf.Tensor[]) => ({ grads: grads.map((g) => tf.mul(g, 0)), readback: { coef: tf.scalar(0) } }));
    const mine: ClipStrategy = { ...builtin, apply: (grads) => own(grads) };
    expect(mine.kind).toBe('norm');
    expect(mine.fusedStep).toBeUndefined();
    const n = step(mine);
    expect(own).toHaveBeenCalledTimes(1);
    // Its declarations were copied (scalesUniformly): post = pre × its coef 0.
    expect(n.preClipNorm).toBeGreaterThan(0);
    expect(n.postClipNorm).toBe(0);
  });

  it('logs the pre-clip norms as post-clip for a strategy that scales by 1 (noClip), without a coef', () => {
    const n = step(noClip() as ClipStrategy);
    expect(n.measured).toEqual({ preClipNorm: n.preClipNorm });
    expect([...n.postLayers]).toEqual([...n.preLayers]);
  });

  it('logs the fixed threshold a strategy declares, exactly, over what it reads back', async () => {
    const records: StepRecord[] = [];
    const sink = { name: 'rec', open: async () => {}, write: async (r: StepRecord) => void records.push(r), close: async () => {} };
    const strategy = stateless('fixed', {}, (grads) => ({ grads: [...grads], readback: { threshold: tf.scalar(7) } }), { fixedThreshold: 0.1 });
    const plan = buildPlan(config());
    try {
      const c = config();
      await runLoop({ plan, strategy: strategy as ClipStrategy, normType: 2, detect: c.detect, evalEvery: 0, sinks: [sink], backend: 'wasm', runDir: null, now: () => 0 });
    } finally {
      plan.dispose();
    }
    expect(records.map((r) => r.threshold)).toEqual([0.1, 0.1, 0.1, 0.1]);
  });
});
