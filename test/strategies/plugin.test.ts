import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipSchema } from '../../src/config/clip-schema.js';
import { runConfigSchema, type RunConfigInput } from '../../src/config/schema.js';
import { GclipError } from '../../src/errors.js';
import { createClipper } from '../../src/clip/clipper.js';
import { loadPluginStrategy, resolveStrategy } from '../../src/clip/plugin.js';
import type { StepRecord } from '../../src/record.js';
import { initBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';
import { train } from '../../src/train/run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const plugin = (module: string, options: Record<string, number> = {}) => ({ kind: 'module' as const, module, options, normType: 2 });

/** The GclipError `run` rejects with. */
async function failure(run: () => Promise<unknown>): Promise<GclipError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof GclipError) return error;
    throw error;
  }
  throw new Error('expected a GclipError');
}

/** A loader that returns `mod` for any URL (for contract cases without files). */
const fake = (mod: Record<string, unknown>) => ({ cwd: ROOT, importModule: async () => mod });

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the scale-clip plugin example', () => {
  it('loads from a path relative to cwd and clips by global norm with its cap', async () => {
    const s = await resolveStrategy(clipSchema.parse(plugin('fixtures/plugins/scale-clip.js', { maxNorm: 0.5 })), { cwd: ROOT });
    expect(s.kind).toBe('scale-clip');
    const clipper = createClipper(s);
    const g = { a: tf.tensor1d([3, 4]) }; // ‖g‖ = 5 → coef = 0.5/(5+1e-6)
    const { grads, numbers } = clipper.clip(g, [tf.zeros([2])]);
    expect(numbers.threshold).toBe(0.5);
    expect(numbers.coef).toBeCloseTo(0.5 / 5, 6);
    expect(Array.from(grads.a!.dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    expect(clipper.state).toEqual({ clippedSteps: 1 });
  });

  it('trains through train() and logs its coef and threshold in every record', async () => {
    const records: StepRecord[] = [];
    const sink = { name: 'rec', open: async () => {}, write: async (r: StepRecord) => void records.push(r), close: async () => {} };
    const input: RunConfigInput = { train: { steps: 15 }, clip: { kind: 'module', module: `${ROOT}fixtures/plugins/scale-clip.js`, options: { maxNorm: 0.05 } } };
    const summary = await train(runConfigSchema.parse(input), { backend: 'wasm', sinks: [sink], now: () => 0 });
    expect(summary.status).toBe('ok');
    expect(records).toHaveLength(15);
    for (const r of records) {
      expect(r.threshold).toBe(Math.fround(0.05)); // read back as float32
      expect(r.clipCoef).toBeCloseTo(Math.min(1, 0.05 / (r.preClipNorm + 1e-6)), 5);
      expect(r.postClipNorm).toBeLessThanOrEqual(0.05 + 1e-5);
    }
  });

  it('runs as a chain child after a built-in strategy', async () => {
    const config = clipSchema.parse({ kind: 'chain', strategies: [{ kind: 'value', clipValue: 10 }, plugin('fixtures/plugins/scale-clip.js', { maxNorm: 1 })] });
    const s = await resolveStrategy(config, { cwd: ROOT });
    expect(s.kind).toBe('chain');
    const { numbers } = createClipper(s).clip({ a: tf.tensor1d([30, 40]) }, [tf.zeros([2])]);
    // value clamps to [10, 10] (norm 14.142…), then scale-clip scales to norm 1.
    expect(numbers['1.preClipNorm']).toBeCloseTo(Math.SQRT2 * 10, 4);
    expect(numbers['1.threshold']).toBe(1);
  });

  it('rejects bad options through the factory with the file named', async () => {
    const e = await failure(() => resolveStrategy(clipSchema.parse(plugin('fixtures/plugins/scale-clip.js', { maxNorm: -1 })), { cwd: ROOT }));
    expect(e.code).toBe('invalid_plugin');
    expect(e.issues[0]?.message).toBe('Clip plugin fixtures/plugins/scale-clip.js its factory threw: options.maxNorm must be a positive number, received -1');
  });
});

describe('malformed plugins exit 2 with the file and what is wrong', () => {
  it('a strategy without next', async () => {
    const e = await failure(() => loadPluginStrategy(plugin('fixtures/plugins/malformed-missing-next.js'), { cwd: ROOT }));
    expect([e.code, e.exitCode, e.issues[0]?.source]).toEqual(['invalid_plugin', 2, 'fixtures/plugins/malformed-missing-next.js']);
    expect(e.issues[0]?.message).toContain('is missing next (a function)');
  });

  it('state that is a tensor, caught at init', async () => {
    const s = await loadPluginStrategy(plugin('fixtures/plugins/malformed-tensor-state.js'), { cwd: ROOT });
    const e = await failure(async () => s.init([]));
    expect(e.code).toBe('invalid_plugin');
    expect(e.issues[0]?.message).toContain('returned state from init() that is not JSON data: state.scale is a tensor');
  });

  it('a missing file', async () => {
    const e = await failure(() => loadPluginStrategy(plugin('./nope/clip.js'), { cwd: ROOT }));
    expect([e.code, e.exitCode]).toEqual(['plugin_not_found', 2]);
    expect(e.issues[0]?.message).toBe('Clip plugin module not found: ./nope/clip.js');
  });

  it.each([
    ['no usable export', { other: 1 }, "exports nothing gclip can use: found 'other'"],
    ['a non-object strategy', { default: () => 42 }, 'does not provide a strategy object: received number 42'],
    ['an async factory', { default: async () => ({}) }, 'has an async factory'],
    ['a missing kind and init', { strategy: { apply() {}, next() {} } }, 'is missing kind (a non-empty string), init (a function)'],
    ['a built-in kind', { strategy: { kind: 'norm', init() {}, apply() {}, next() {} } }, "uses the built-in kind 'norm'"],
  ])('%s', async (_name, mod, message) => {
    const e = await failure(() => loadPluginStrategy(plugin('x.js'), fake(mod)));
    expect(e.code).toBe('invalid_plugin');
    expect(e.issues[0]?.message).toContain(message);
  });

  it('apply returning the wrong number of gradients, or a non-scalar readback', async () => {
    const base = { kind: 'mine', init: () => ({}), next: (s: unknown) => s };
    const few = await loadPluginStrategy(plugin('x.js'), fake({ strategy: { ...base, apply: () => ({ grads: [], readback: {} }) } }));
    const ctx = { step: 0, normType: 2 as const, vars: [], names: [], tensorNorms: tf.tensor1d([1]), totalNorm: tf.scalar(1) };
    const g = [tf.ones([2])];
    expect((await failure(async () => few.apply(g, {}, ctx))).issues[0]?.message).toContain('wrong number of gradients from apply(): expected 1, received 0');
    const vec = await loadPluginStrategy(plugin('x.js'), fake({ strategy: { ...base, apply: (gs: unknown[]) => ({ grads: gs, readback: { coef: tf.ones([2]) } }) } }));
    expect((await failure(async () => vec.apply(g, {}, ctx))).issues[0]?.message).toContain("bad readback 'coef' from apply(): expected a scalar tensor, received shape [2]");
  });

  it('next returning NaN in the state', async () => {
    const s = await loadPluginStrategy(plugin('x.js'), fake({ strategy: { kind: 'mine', init: () => ({ n: 0 }), apply: () => ({}), next: () => ({ n: Number.NaN }) } }));
    expect((await failure(async () => s.next({ n: 0 }, { preClipNorm: 1 }))).issues[0]?.message).toContain('returned state from next() that is not JSON data: state.n is NaN');
  });
});

describe('plugin declarations for the loop', () => {
  const base = { kind: 'mine', init: () => ({}), apply: (gs: unknown[]) => ({ grads: gs, readback: {} }), next: (s: unknown) => s };

  it('keeps scalesUniformly and fixedThreshold through the run-time guard', async () => {
    const s = await loadPluginStrategy(plugin('x.js'), fake({ strategy: { ...base, scalesUniformly: true, fixedThreshold: 0.5 } }));
    expect([s.scalesUniformly, s.fixedThreshold, s.fusedStep]).toEqual([true, 0.5, undefined]);
    const plain = await loadPluginStrategy(plugin('x.js'), fake({ strategy: base }));
    expect(Object.keys(plain)).toEqual(['kind', 'options', 'init', 'apply', 'next']);
  });

  it.each([
    ['a non-boolean scalesUniformly', { scalesUniformly: 'yes' }, 'has a scalesUniformly that is not a boolean: received string "yes"'],
    ['a non-positive fixedThreshold', { fixedThreshold: 0 }, 'has a fixedThreshold that is not a finite number greater than 0: received number 0'],
    ['a fused step of its own', { fusedStep: () => null }, 'declares a fusedStep: fused kernels are built into gclip'],
  ])('refuses %s', async (_name, extra, message) => {
    const e = await failure(() => loadPluginStrategy(plugin('x.js'), fake({ strategy: { ...base, ...extra } })));
    expect(e.code).toBe('invalid_plugin');
    expect(e.issues[0]?.message).toBe(`Clip plugin x.js ${message}`);
  });
});
