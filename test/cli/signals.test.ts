/**
 * No input makes gclip deaf to Ctrl-C, and every command ends honestly on a signal (issue
 * #17): SIGINT during the build of a big valid model, damaged layer graphs that made tfjs
 * loop forever, SIGINT/SIGTERM on `sweep` (then resumed to the uninterrupted sweep.json)
 * and SIGINT on `check` (SIGTERM on check and train: reliable.test.ts). Spawns
 * bin/gclip.js (run `npm run build` first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeNumbers } from '../../src/log/codec.js';
import { kerasModel } from '../models/fixtures.js';
import { ROOT } from '../helpers/cli.js';
import { readJson, withoutTimings } from '../helpers/run-files.js';
import { TINY } from '../sweep/helpers/sweep-cli.js';

const BIN = fileURLToPath(new URL('../../bin/gclip.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-signals-'));
const env = { ...process.env, NO_COLOR: '1' };

interface Ended { code: number | null; stdout: string; stderr: string }

/** Spawns gclip in `cwd`; sends `signal` once stderr matches `when`; resolves when it exits. */
function signalWhen(args: string[], cwd: string, when: RegExp, signal: NodeJS.Signals): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '', stderr = '', sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A valid tfjs Sequential model.json of `layers` Dense(4) layers on 4 features (zero
 * weights): thousands of layers make tfjs build it for seconds, synchronously.
 */
function deepModel(dir: string, layers: number): void {
  const dense = (i: number, units: number) => ({
    class_name: 'Dense',
    config: { units, activation: 'linear', use_bias: true, name: `dense_${i}`, trainable: true, ...(i === 1 ? { batch_input_shape: [null, 4], dtype: 'float32' } : {}) },
  });
  const dims = [4, ...Array.from({ length: layers }, () => 4), 1];
  const weights = dims.slice(1).flatMap((out, i) => [
    { name: `dense_${i + 1}/kernel`, shape: [dims[i]!, out], dtype: 'float32' },
    { name: `dense_${i + 1}/bias`, shape: [out], dtype: 'float32' },
  ]);
  const doc = {
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 'deep', layers: dims.slice(1).map((out, i) => dense(i + 1, out)) } },
    weightsManifest: [{ paths: ['./weights.bin'], weights }],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
  const values = weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(values * 4));
}

describe('model building and parsing', () => {
  it('SIGINT while a big valid model is being built: exit 130, status interrupted before step 0', async () => {
    const root = tmp();
    deepModel(join(root, 'deep'), 3000);
    writeFileSync(join(root, 'deep.yaml'), 'model: { kind: file, path: deep/model.json }\ndata: { kind: regression, samples: 64, features: 4, batchSize: 16 }\ntrain: { steps: 500, optimizer: sgd, lr: 0.001 }\n');
    // "backend: wasm" is printed once the backend is up, right before the model is loaded.
    const r = await signalWhen(['train', '--config', 'deep.yaml', '--backend', 'wasm', '--out', 'run'], root, /backend: wasm/, 'SIGINT');
    expect(r.code, r.stderr).toBe(130);
    const summary = JSON.parse(readFileSync(join(root, 'run', 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'interrupted', steps: 0, reason: 'interrupted by SIGINT before step 0 of 500' });
  }, 300_000);

  const keras = kerasModel();
  interface Doc { modelTopology: { model_config: { config: { layers: { inbound_nodes: unknown[] }[] } } } }
  it.each([
    ['a dangling inbound node', [[['nowhere', 0, 0, {}]]], "layer 'hidden' is called on layer 'nowhere', which the model does not have"],
    ['an empty inbound node', [[]], "layer 'hidden' has an empty inbound node ([])"],
  ])('%s (tfjs looped forever on it) is exit 2 naming model.json and the node, not a hang', (_name, nodes, message) => {
    const root = tmp();
    const doc = JSON.parse(keras['models/keras/model.json'] as string) as Doc;
    doc.modelTopology.model_config.config.layers[2]!.inbound_nodes = nodes;
    mkdirSync(join(root, 'm'));
    writeFileSync(join(root, 'm', 'model.json'), JSON.stringify(doc));
    writeFileSync(join(root, 'm', 'group1-shard1of1.bin'), keras['models/keras/group1-shard1of1.bin'] as Uint8Array);
    writeFileSync(join(root, 'run.yaml'), 'model: { kind: file, path: m/model.json }\ndata: { kind: regression, samples: 64, features: 3 }\ntrain: { steps: 5 }\n');
    // A hang would end in the timeout's SIGKILL: status null, not 2.
    const r = spawnSync(process.execPath, [BIN, 'train', '--config', 'run.yaml', '--backend', 'wasm', '--out', 'run'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('m/model.json');
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  }, 300_000);
});

describe('sweep', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s: exit %i, interrupted, then the same command resumes to the uninterrupted sweep.json', async (signal, code) => {
    const root = tmp();
    writeFileSync(join(root, 'tiny.yaml'), TINY);
    const args = (out: string) => ['sweep', '-c', 'tiny.yaml', '--thresholds', '0.5,2', '--seeds', '2', '--jobs', '1', '--out', out];
    expect(spawnSync(process.execPath, [BIN, ...args('whole'), '--quiet'], { cwd: root, env }).status).toBe(0);
    const cut = await signalWhen([...args('cut'), '--json'], root, /sweep: [1-3]\/6 runs done/, signal);
    expect(cut.code, cut.stderr).toBe(code);
    expect(cut.stderr).toMatch(/sweep interrupted: [1-5]\/6 runs finished and cached/);
    expect(JSON.parse(cut.stdout)).toMatchObject({ status: 'interrupted', total: 6 });
    expect(() => readFileSync(join(root, 'cut', 'sweep.json'))).toThrow(/ENOENT/);
    const resumed = spawnSync(process.execPath, [BIN, ...args('cut'), '--json'], { cwd: root, env, encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout, decodeNumbers).execution.cached).toBeGreaterThan(0);
    expect(withoutTimings(readJson(join(root, 'cut', 'sweep.json')))).toEqual(withoutTimings(readJson(join(root, 'whole', 'sweep.json'))));
  }, 300_000);
});

describe('check', () => {
  it('SIGINT on check is never a pass: exit 130, passed false, a failing JUnit case', async () => {
    const root = tmp();
    const r = await signalWhen(
      ['check', '--config', join(ROOT, 'configs/ci-check.yaml'), '--steps', '1000000', '--junit', 'ck.xml', '--json'],
      root,
      /step \d{2,}/,
      'SIGINT',
    );
    expect(r.code, r.stderr).toBe(130);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.passed).toBe(false);
    expect(verdict.criteria.at(-1)).toMatchObject({ name: 'completed', passed: false, bound: 1000000 });
    const junit = readFileSync(join(root, 'ck.xml'), 'utf8');
    expect(junit).toMatch(/failures="[1-9]/);
    expect(junit).toMatch(/<testcase[^>]*name="[^"]*completed[^"]*"[^>]*>\s*<failure/);
  }, 300_000);
});
