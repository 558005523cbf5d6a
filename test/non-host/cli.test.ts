/**
 * The op path through the CLI: `gclip` spawned with GCLIP_TEST_BACKEND=cpu-ops trains the
 * demo, the exploding RNN unclipped and clipped, an LSTM, a CNN and every strategy (a chain
 * and a plugin included), and its step log agrees with `--backend cpu` (the host path);
 * `gclip doctor` lists gclip's fast kernels, active on the host backends and declined on
 * cpu-ops, with the reason. Needs `npm run build`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gclip } from '../helpers/cli.js';
import { readJson } from '../helpers/run-files.js';
import { compareRecords, worstOf } from './compare.js';
import { decodeNumbers } from '../../src/log/codec.js';
import { stepRecordSchema, type StepRecord } from '../../src/log/schema.js';

const OPS = { GCLIP_TEST_BACKEND: 'cpu-ops' };
const PLUGIN = fileURLToPath(new URL('../../fixtures/plugins/scale-clip.js', import.meta.url));
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'gclip-nonhost-'));
const steps = (dir: string): StepRecord[] =>
  readFileSync(join(dir, 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => stepRecordSchema.parse(JSON.parse(l, decodeNumbers)));

/** `gclip train --quiet --out <fresh dir> ...args`, on cpu-ops unless `env` says otherwise. */
function train(args: readonly string[], env: Record<string, string | undefined> = OPS): { out: string; code: number | null; stderr: string } {
  const out = join(tempDir(), 'run');
  const r = gclip(['train', '--quiet', '--out', out, ...args], { env });
  return { out, code: r.code, stderr: r.stderr };
}

/** A config file holding `yaml` (for what has no flag: a chain, a small CNN). */
const configFile = (yaml: string): string => {
  const path = join(tempDir(), 'config.yaml');
  writeFileSync(path, yaml);
  return path;
};
const chainConfig = (): string => configFile('clip:\n  kind: chain\n  strategies:\n    - { kind: zclip, warmupSteps: 3 }\n    - { kind: norm, maxNorm: 0.3 }\n');
const smallCnn = (): string => configFile('model: { kind: cnn, filters: [4], dense: [] }\ndata: { kind: images, samples: 128, size: 8, batchSize: 32 }\n');

const STRATEGIES: ReadonlyArray<[string, () => string[]]> = [
  ['none', () => ['--clip', 'none']],
  ['norm', () => ['--clip-norm', '0.5']],
  ['norm, p = 1', () => ['--clip-norm', '0.5', '--norm-type', '1']],
  ['norm, p = inf', () => ['--clip-norm', '0.1', '--norm-type', 'inf']],
  ['value', () => ['--clip-value', '0.01']],
  ['tensor-norm', () => ['--tensor-norm-max-norm', '0.1']],
  ['agc', () => ['--clip', 'agc']],
  ['autoclip', () => ['--clip', 'autoclip']],
  ['zclip', () => ['--zclip-warmup-steps', '3']],
  ['chain: zclip then norm', () => ['--config', chainConfig()]],
  ['plugin module', () => ['--clip', PLUGIN, '--clip-options', '{"maxNorm": 0.2}']],
];

describe('gclip train with GCLIP_TEST_BACKEND=cpu-ops', () => {
  it('the demo config trains on cpu-ops, says so, and its log matches --backend cpu within 1e-5', () => {
    const args = ['--config', 'configs/demo.yaml', '--steps', '20'];
    const ops = gclip(['train', '--out', join(tempDir(), 'run'), ...args], { env: OPS });
    expect(ops.code, ops.stderr).toBe(0);
    expect(ops.stderr).toContain('backend: cpu-ops');
    const run = train(args);
    const host = train([...args, '--backend', 'cpu'], {});
    expect(readJson(join(run.out, 'summary.json'))).toMatchObject({ status: 'ok', steps: 20, backend: 'cpu-ops' });
    expect(readJson(join(host.out, 'summary.json'))).toMatchObject({ backend: 'cpu' });
    expect(worstOf(compareRecords(steps(run.out), steps(host.out)))).toBeLessThan(1e-5);
  });

  it('the exploding RNN halts unclipped (exit 1) and trains with --clip-norm 1 (exit 0, no step above 1)', () => {
    const unclipped = train(['--config', 'configs/exploding-rnn.yaml', '--steps', '30']);
    expect(unclipped.code).toBe(1);
    expect(readJson(join(unclipped.out, 'summary.json'))).toMatchObject({ status: 'halted', backend: 'cpu-ops' });
    const clipped = train(['--config', 'configs/exploding-rnn.yaml', '--steps', '30', '--clip-norm', '1']);
    expect(clipped.code, clipped.stderr).toBe(0);
    const records = steps(clipped.out);
    expect(records.filter((r) => r.preClipNorm > 1).length).toBeGreaterThan(15);
    expect(records.every((r) => r.postClipNorm <= 1 + 1e-5)).toBe(true);
  });

  it.each([
    ['an LSTM on the adding problem', ['--model', 'lstm', '--data', 'adding', '--steps', '10']],
    ['a CNN', ['--config', smallCnn(), '--steps', '10']],
    ...STRATEGIES.map(([name, args]) => [`the demo with ${name}`, ['--steps', '10', ...args()]] as [string, string[]]),
  ])('%s: exit 0, one finite record per step, backend cpu-ops', (_name, args) => {
    const run = train(args);
    expect(run.code, run.stderr).toBe(0);
    const records = steps(run.out);
    expect(records.map((r) => r.step)).toEqual([...Array(10).keys()]);
    expect(records.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.preClipNorm))).toBe(true);
    expect(readJson(join(run.out, 'summary.json'))).toMatchObject({ backend: 'cpu-ops' });
  });

  it('an unknown GCLIP_TEST_BACKEND is bad input: exit 2, names the variable', () => {
    const r = train(['--steps', '2'], { GCLIP_TEST_BACKEND: 'gpu' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown test backend 'gpu' in $GCLIP_TEST_BACKEND");
  });
});

interface Kernel { name: string; kind: string; active: boolean; why: string }
const doctor = (env: Record<string, string>): { auto: string; kernels: Kernel[] } => {
  const r = gclip(['doctor', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { auto: string; kernels: Kernel[] };
};
const HOST = ['GclipStepNorms', 'GclipNormClipPack', 'GclipGlobalClip', 'GclipPack', 'GclipOptimizerUpdate'];

describe("gclip doctor lists gclip's fast kernels on the chosen backend", () => {
  it('on cpu-ops every one is declined, with the reason', () => {
    const d = doctor(OPS);
    expect(d.auto).toBe('cpu-ops');
    expect(d.kernels.filter((k) => k.kind !== 'wasm').map((k) => k.name)).toEqual(HOST);
    expect(d.kernels.filter((k) => k.active)).toEqual([]);
    expect(d.kernels.find((k) => k.name === 'GclipOptimizerUpdate')!.why).toBe('declined: cpu-ops does not keep tensors in host memory; tfjs ops run instead');
    expect(d.kernels.find((k) => k.name === 'BatchMatMul')!.why).toBe('declined: a wasm kernel, the backend is cpu-ops');
  });

  it('on the host backend auto picks here, the host kernels are active (and on wasm the wasm ones too)', () => {
    const d = doctor({});
    const active = d.kernels.filter((k) => k.active).map((k) => k.name);
    if (d.auto === 'node') return expect(active).toEqual([]);
    expect(active.slice(0, HOST.length)).toEqual(HOST);
    expect(d.kernels.filter((k) => k.kind === 'wasm').every((k) => k.active === (d.auto === 'wasm'))).toBe(true);
  });

  it('the text report names each kernel with active or declined', () => {
    const r = gclip(['doctor'], { env: OPS });
    expect(r.stdout).toContain("gclip's fast kernels on cpu-ops:");
    expect(r.stdout).toMatch(/GclipStepNorms +declined: cpu-ops does not keep tensors in host memory/);
  });
});
