/**
 * The CLI with `--backend node`: the exploding RNN (unclipped and clipped), the CNN and
 * an LSTM train, TensorBoard files are written and read back, a sweep runs its workers on
 * node, and `gclip doctor` reports node. Skips, saying why, where tfjs-node does not load.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclip } from '../helpers/cli.js';
import { readJson } from '../helpers/run-files.js';
import { nodeLoads, nodeTitle } from '../helpers/node-backend.js';
import { readEventFile, scalarsOf } from '../tensorboard/helpers.js';

const env = { TF_CPP_MIN_LOG_LEVEL: '2' };
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'gclip-node-'));
const stepLines = (dir: string): string[] => readFileSync(join(dir, 'steps.jsonl'), 'utf8').trim().split('\n');

/** `gclip train --backend node --quiet --out <fresh dir> ...args`; the run directory and result. */
function trainOnNode(args: readonly string[]): { out: string; code: number | null; stderr: string } {
  const out = join(tempDir(), 'run');
  const r = gclip(['train', '--backend', 'node', '--quiet', '--out', out, ...args], { env });
  return { out, code: r.code, stderr: r.stderr };
}

describe.skipIf(!nodeLoads)('gclip train --backend node', () => {
  it(nodeTitle('the exploding RNN diverges unclipped (exit 1) and trains with --clip-norm 1 (exit 0, no step above 1)'), () => {
    const unclipped = trainOnNode(['--config', 'configs/exploding-rnn.yaml', '--steps', '60']);
    expect(unclipped.code).toBe(1);
    expect(readJson(join(unclipped.out, 'summary.json'))).toMatchObject({ status: 'halted', backend: 'node' });
    const clipped = trainOnNode(['--config', 'configs/exploding-rnn.yaml', '--steps', '60', '--clip-norm', '1']);
    expect(clipped.code).toBe(0);
    expect(readJson(join(clipped.out, 'summary.json'))).toMatchObject({ status: 'ok', steps: 60, backend: 'node' });
    const norms = stepLines(clipped.out).map((l) => JSON.parse(l) as { preClipNorm: number; postClipNorm: number });
    expect(norms.filter((r) => r.preClipNorm > 1).length).toBeGreaterThan(30);
    expect(norms.every((r) => r.postClipNorm <= 1 + 1e-5)).toBe(true);
  });

  it.each([
    ['the CNN config', ['--config', 'configs/cnn.yaml', '--steps', '30']],
    ['an LSTM on the adding problem', ['--model', 'lstm', '--data', 'adding', '--steps', '30']],
    ['zclip on the demo', ['--clip', 'zclip', '--zclip-warmup-steps', '5', '--steps', '30']],
  ])(nodeTitle('%s trains: exit 0, one finite record per step'), (_name, args) => {
    const run = trainOnNode(args);
    expect(run.code, run.stderr).toBe(0);
    const records = stepLines(run.out).map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(records.map((r) => r.step)).toEqual([...Array(30).keys()]);
    expect(records.every((r) => Number.isFinite(r.loss))).toBe(true);
    expect(readJson(join(run.out, 'summary.json'))).toMatchObject({ backend: 'node' });
  });

  it(nodeTitle('--tensorboard writes an event file whose scalars are the step log'), async () => {
    const tb = tempDir();
    const run = trainOnNode(['--steps', '10', '--tensorboard', tb]);
    expect(run.code).toBe(0);
    const { events } = await readEventFile(tb);
    const losses = events.filter((e) => 'loss' in scalarsOf(e)).map((e) => [Number(e.step), scalarsOf(e).loss]);
    const logged = stepLines(run.out).map((l) => JSON.parse(l) as { step: number; loss: number });
    expect(losses).toEqual(logged.map((r) => [r.step, Math.fround(r.loss)]));
  });

  it(nodeTitle('the same config and seed write the same step log, wall times aside'), () => {
    const strip = (dir: string): string[] => stepLines(dir).map((l) => l.replace(/"wallMs":[^,]+,/, ''));
    const args = ['--config', 'configs/exploding-rnn.yaml', '--steps', '30', '--clip-norm', '1'];
    expect(strip(trainOnNode(args).out)).toEqual(strip(trainOnNode(args).out));
  });
});

describe.skipIf(!nodeLoads)('gclip sweep and doctor on tfjs-node', () => {
  it(nodeTitle('a sweep runs every point in node workers and recommends'), () => {
    const out = tempDir();
    const r = gclip(['sweep', '--backend', 'node', '--seeds', '1', '--thresholds', '0.5,1', '--jobs', '2', '--quiet', '--json', '--out', out], { env });
    expect(r.code, r.stderr).toBe(0);
    const report = readJson(join(out, 'sweep.json')) as { config: { backend: string }; points: unknown[]; execution: { ran: number } };
    expect([report.config.backend, report.points.length, report.execution.ran]).toEqual(['node', 3, 3]);
  });

  it(nodeTitle('gclip doctor reports that node loads and that auto picks it'), () => {
    const r = gclip(['doctor', '--json'], { env });
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { auto: string; backends: { name: string; loaded: boolean }[]; fixes: string[] };
    expect([d.auto, d.backends[0], d.fixes]).toEqual(['node', { name: 'node', loaded: true, error: null }, []]);
  });
});
