/**
 * The update telemetry of every step equals a float64 reference computed from the weights
 * themselves: ‖w_after − w_before‖ per layer and over all layers, and ‖Δw_l‖/‖w_before,l‖,
 * for SGD, momentum, Adam and RMSprop, on the fused host path (wasm, cpu: the update kernel
 * sums as it writes) and on the op path (cpu-ops: ops against clones). The weights are read
 * back by the test's own sink after each step (extra readbacks, in the test only).
 *
 * Tolerance: 1e-5 relative. The host kernel sums in float64 and rounds once (~6e-8); the
 * op path sums float32 squares of at most a few thousand values (~1e-6 seen).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createStrategy } from '../../src/clip/registry.js';
import { runConfigSchema, type RunConfigInput } from '../../src/config/schema.js';
import type { StepRecord } from '../../src/record.js';
import type { Sink } from '../../src/report/sinks/types.js';
import { tryBackend, type ActiveBackend } from '../../src/runtime/backend.js';
import { UPDATE_KERNEL } from '../../src/runtime/kernels/optimizer-update.js';
import { tf } from '../../src/runtime/tf.js';
import { runLoop } from '../../src/train/loop.js';
import { buildPlan } from '../../src/train/setup.js';
import type { RunPlan } from '../../src/train/plan.js';

const TOLERANCE = 1e-5;
const STEPS = 6;
const OPTIMIZERS = [
  ['sgd', { optimizer: 'sgd', lr: 0.05 }],
  ['momentum', { optimizer: 'momentum', lr: 0.02, momentum: 0.9 }],
  ['adam', { optimizer: 'adam', lr: 0.01 }],
  ['rmsprop', { optimizer: 'rmsprop', lr: 0.01 }],
] as const;

/** Float64 copies of the plan's variables. */
const weightsOf = (plan: RunPlan): Float64Array[] => plan.vars.map((v) => Float64Array.from(v.dataSync()));

/** Per layer: Σ(after − before)² and Σ before², in float64. */
function referenceSums(plan: RunPlan, before: Float64Array[], after: Float64Array[]): { du2: number[]; w2: number[] } {
  const du2 = plan.groups.map((g) => g.reduce((s, j) => s + before[j]!.reduce((t, w, i) => t + (after[j]![i]! - w) ** 2, 0), 0));
  const w2 = plan.groups.map((g) => g.reduce((s, j) => s + before[j]!.reduce((t, w) => t + w * w, 0), 0));
  return { du2, w2 };
}

const close = (got: number | undefined, want: number): boolean => got !== undefined && Math.abs(got - want) <= TOLERANCE * Math.abs(want);

interface Checked {
  readonly steps: number;
  readonly mismatches: string[];
  readonly fusedKernel: boolean;
}

/** Trains `input` on `backend`, checking each record's update fields against the weights. */
async function check(backend: ActiveBackend, input: RunConfigInput): Promise<Checked> {
  expect((await tryBackend(backend)).loaded).toBe(true);
  const config = runConfigSchema.parse(input);
  const plan = buildPlan(config);
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const runKernel = engine.runKernel;
  let fusedKernel = false;
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    if (name === UPDATE_KERNEL) fusedKernel = true;
    return runKernel.call(this, name, ...rest);
  };
  const mismatches: string[] = [];
  let before = weightsOf(plan);
  let steps = 0;
  const sink: Sink = {
    name: 'weights',
    open: async () => {},
    close: async () => {},
    write: async (r: StepRecord) => {
      const after = weightsOf(plan);
      const { du2, w2 } = referenceSums(plan, before, after);
      plan.layerNames.forEach((name, l) => {
        const norm = Math.sqrt(du2[l]!);
        if (!close(r.layerUpdateNorms?.[name], norm)) mismatches.push(`step ${r.step} ${name} norm ${r.layerUpdateNorms?.[name]} vs ${norm}`);
        if (!close(r.layerUpdateRatios?.[name], norm / Math.sqrt(w2[l]!))) mismatches.push(`step ${r.step} ${name} ratio ${r.layerUpdateRatios?.[name]}`);
      });
      const total = Math.sqrt(du2.reduce((a, b) => a + b, 0));
      if (!close(r.updateNorm, total)) mismatches.push(`step ${r.step} total ${r.updateNorm} vs ${total}`);
      before = after;
      steps++;
    },
  };
  try {
    await runLoop({ plan, strategy: createStrategy(config.clip), normType: config.clip.normType, detect: config.detect, evalEvery: 0, sinks: [sink], backend, runDir: null, now: () => 0 });
  } finally {
    engine.runKernel = runKernel;
    plan.dispose();
  }
  return { steps, mismatches, fusedKernel };
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('update norms equal ‖w_after − w_before‖ in float64', () => {
  for (const backend of ['wasm', 'cpu', 'cpu-ops'] as const) {
    it.each(OPTIMIZERS)(`${backend}: %s, clipped at norm 0.5`, async (_name, train) => {
      const result = await check(backend, { train: { ...train, steps: STEPS }, clip: { kind: 'norm', maxNorm: 0.5 } });
      // The host backends take the fused kernel (from step 1 for optimizers with slots), cpu-ops never.
      expect(result).toEqual({ steps: STEPS, mismatches: [], fusedKernel: backend !== 'cpu-ops' });
    });
  }

  it('an RNN with Adam and no clipping, on wasm and on the op path', async () => {
    const rnn: RunConfigInput = { model: { kind: 'rnn', units: 8 }, data: { kind: 'adding', seqLength: 10, samples: 256 }, train: { steps: STEPS, optimizer: 'adam', lr: 0.01 } };
    expect(await check('wasm', rnn)).toEqual({ steps: STEPS, mismatches: [], fusedKernel: true });
    expect(await check('cpu-ops', rnn)).toEqual({ steps: STEPS, mismatches: [], fusedKernel: false });
  });
});
