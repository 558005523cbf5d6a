/**
 * Strategy state checkpoints as JSON and resumes: for every strategy, a scripted run of
 * multi-tensor gradients (with a spike, a NaN step and a zero step) is cut at each point,
 * its `{ step, state }` written with JSON.stringify, read back into a clipper built from
 * the config again (as a new process would) and continued. Numbers and clipped gradients
 * must equal the uninterrupted run's, step for step.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClipper } from '../../src/clip/clipper.js';
import { resolveStrategy } from '../../src/clip/plugin.js';
import { clipSchema } from '../../src/config/clip-schema.js';
import { tf } from '../../src/runtime/tf.js';

const PLUGIN = fileURLToPath(new URL('../../fixtures/plugins/scale-clip.js', import.meta.url));

const CLIPS: Record<string, unknown> = {
  none: { kind: 'none' },
  norm: { kind: 'norm', maxNorm: 2 },
  value: { kind: 'value', clipValue: 0.5 },
  'tensor-norm': { kind: 'tensor-norm', maxNorm: 1 },
  agc: { kind: 'agc', clipping: 0.1 },
  autoclip: { kind: 'autoclip', percentile: 30 },
  'autoclip, window 3': { kind: 'autoclip', window: 3 },
  zclip: { kind: 'zclip', warmupSteps: 3, zThreshold: 1.5 },
  'zclip, mode percentile': { kind: 'zclip', mode: 'percentile', warmupSteps: 3, zThreshold: 1 },
  adagc: { kind: 'adagc', warmupSteps: 3, maxNorm: 5, clipRatio: 1.1 },
  'chain (zclip, norm)': { kind: 'chain', strategies: [{ kind: 'zclip', warmupSteps: 3 }, { kind: 'norm', maxNorm: 3 }] },
  'plugin (scale-clip)': { kind: 'module', module: PLUGIN, options: { maxNorm: 1.5 } },
};

/** Scale of each step's gradients: calm, a spike at 4, NaN at 6, all-zero at 8, calm again. */
const SCALES = [1, 1.2, 0.9, 1.1, 12, 1, Number.NaN, 0.8, 0, 1.3, 1.05, 0.95];
const VARS = [tf.tensor2d([[0.5, -1], [2, 0.25], [1, 1]]), tf.tensor1d([0.1, -0.2])];

/** Step i's gradients: fixed directions × SCALES[i] (deterministic, no RNG). */
function gradsAt(i: number): tf.NamedTensorMap {
  const s = SCALES[i]!;
  return {
    kernel: tf.tensor2d([[1, -2], [0.5, 3], [-1, 0.25]]).mul(s * (1 + 0.1 * (i % 3))),
    bias: tf.tensor1d([0.3, -0.7]).mul(s),
  };
}

type Step = { numbers: Record<string, number>; grads: Record<string, number[]> };

async function strategyOf(config: unknown) {
  return resolveStrategy(clipSchema.parse(config));
}

/** Runs steps [from, to) on a clipper; returns what each step produced. */
function steps(clipper: ReturnType<typeof createClipper>, from: number, to: number): Step[] {
  const out: Step[] = [];
  for (let i = from; i < to; i++) {
    const g = gradsAt(i);
    const { grads, numbers } = clipper.clip(g, VARS);
    out.push({ numbers: { ...numbers }, grads: Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, Array.from(t.dataSync())])) });
    tf.dispose([...Object.values(g), ...Object.values(grads)]);
    // Checkpointable at every step: the state survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(clipper.state))).toEqual(clipper.state);
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(Object.entries(CLIPS))('%s: checkpoint as JSON and resume', (_name, config) => {
  it('continues with identical numbers and gradients from every cut point', async () => {
    const reference = createClipper(await strategyOf(config));
    const whole = steps(reference, 0, SCALES.length);
    for (const cut of [1, 3, 4, 5, 7, 9]) {
      const first = createClipper(await strategyOf(config));
      const before = steps(first, 0, cut);
      const checkpoint = JSON.stringify({ step: first.step, state: first.state });
      const saved = JSON.parse(checkpoint) as { step: number; state: unknown };
      const second = createClipper(await strategyOf(config));
      second.restore(saved.state, saved.step);
      const after = steps(second, cut, SCALES.length);
      expect([...before, ...after]).toEqual(whole);
      expect([second.step, second.state]).toEqual([reference.step, reference.state]);
    }
  });
});

describe('adaptive state after the scripted run (non-finite norms never poison it)', () => {
  it('autoclip keeps only finite positive norms', async () => {
    const clipper = createClipper(await strategyOf(CLIPS.autoclip));
    steps(clipper, 0, SCALES.length);
    const history = (clipper.state as { history: number[] }).history;
    expect(history).toHaveLength(SCALES.length - 2); // the NaN and the zero step are left out
    expect(history.every((n) => Number.isFinite(n) && n > 0)).toBe(true);
  });

  it('adagc keeps γ finite and positive through the NaN and the zero step', async () => {
    const clipper = createClipper(await strategyOf(CLIPS.adagc));
    steps(clipper, 0, SCALES.length);
    const { gamma } = clipper.state as { gamma: number[] };
    expect(gamma).toHaveLength(2);
    expect(gamma.every((g) => Number.isFinite(g) && g > 0)).toBe(true);
  });

  it('zclip EMAs stay finite through the NaN step', async () => {
    const clipper = createClipper(await strategyOf(CLIPS.zclip));
    steps(clipper, 0, SCALES.length);
    const { mean, variance } = clipper.state as { mean: number; variance: number };
    expect(Number.isFinite(mean) && Number.isFinite(variance)).toBe(true);
  });
});
