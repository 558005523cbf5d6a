/**
 * `kill -9` at random moments (issue #17): after each kill every file of the run directory
 * reads back (steps.jsonl with at most a torn last line, the manifest, every checkpoint it
 * names, summary.json when present), and `--resume` ends with the uninterrupted run's
 * steps.jsonl and summary.json, wall-clock fields aside. Spawns bin/gclip.js.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLog } from '../../src/log/read.js';
import { createRng } from '../../src/runtime/rng.js';
import { gclip } from '../helpers/cli.js';
import { withoutWallClock } from '../helpers/wall-clock.js';

const BIN = fileURLToPath(new URL('../../bin/gclip.js', import.meta.url));
const RUNS = 20;
const STEPS = 80;
const ARGS = ['train', '--steps', String(STEPS), '--backend', 'wasm', '--checkpoint-every', '5', '--quiet', '--json'];

const lines = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

/** Starts a run into `dir` and SIGKILLs it once its log has `at` lines (or lets it end). */
function killAt(dir: string, at: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...ARGS, '--out', dir], { stdio: 'ignore' });
    const poll = setInterval(() => {
      if (lines(join(dir, 'steps.jsonl')) >= at) child.kill('SIGKILL');
    }, 5);
    child.on('exit', () => {
      clearInterval(poll);
      resolve();
    });
  });
}

const values = (shapes: readonly { shape: number[] }[]): number => shapes.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

/**
 * Reads every file of a killed run directory; throws on anything unreadable: config.json,
 * steps.jsonl (at most a torn last line), summary.json when present, the manifest and, for
 * every checkpoint it names, state.json, model.json and the byte sizes of weights.bin and
 * optimizer.bin against the shapes they declare (float32).
 */
function readEverything(dir: string): void {
  if (existsSync(join(dir, 'config.json'))) JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const steps = join(dir, 'steps.jsonl');
  if (existsSync(steps) && readFileSync(steps, 'utf8') !== '') parseLog(readFileSync(steps, 'utf8'), steps);
  const manifest = join(dir, 'checkpoints', 'manifest.json');
  if (existsSync(manifest)) {
    for (const entry of JSON.parse(readFileSync(manifest, 'utf8')).complete as { dir: string }[]) {
      const folder = join(dir, 'checkpoints', entry.dir);
      const state = JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8')) as { optimizer: { slots: { shape: number[] }[][]; scalars: { shape: number[] }[] } };
      const model = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
      const weights = values(model.weightsManifest.flatMap((g) => g.weights));
      if (statSync(join(folder, 'weights.bin')).size !== 4 * weights) throw new Error(`${folder}/weights.bin is not ${weights} float32 values`);
      const optimizer = values([...state.optimizer.slots.flat(), ...state.optimizer.scalars]);
      if (statSync(join(folder, 'optimizer.bin')).size !== 4 * optimizer) throw new Error(`${folder}/optimizer.bin is not ${optimizer} float32 values`);
    }
  }
  if (existsSync(join(dir, 'summary.json'))) JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
}

describe('kill -9 then --resume', () => {
  it(`survives ${RUNS} kills at random steps`, async () => {
    const seed = Number(process.env.GCLIP_KILL_SEED ?? Date.now() % 1e6);
    const rng = createRng(seed);
    const root = mkdtempSync(join(tmpdir(), 'gclip-kill-'));
    const full = join(root, 'full');
    expect(gclip([...ARGS, '--out', full]).code).toBe(0);
    const want = withoutWallClock(readFileSync(join(full, 'steps.jsonl'), 'utf8'));
    const wantSummary = withoutWallClock(readFileSync(join(full, 'summary.json'), 'utf8'));
    let survived = 0;
    for (let i = 0; i < RUNS; i++) {
      const dir = join(root, `run-${i}`);
      // After the first checkpoint (step 5), anywhere up to the end.
      const at = 6 + rng.int(STEPS - 5);
      await killAt(dir, at);
      expect(() => readEverything(dir), `seed ${seed} (GCLIP_KILL_SEED=${seed} to repeat), run ${i} killed at line ${at}`).not.toThrow();
      const r = gclip(['train', '--resume', dir, '--backend', 'wasm', '--quiet']);
      expect(r.code, `seed ${seed}, run ${i} killed at line ${at}: ${r.stderr}`).toBe(0);
      expect(withoutWallClock(readFileSync(join(dir, 'steps.jsonl'), 'utf8')), `seed ${seed}, run ${i}`).toBe(want);
      expect(withoutWallClock(readFileSync(join(dir, 'summary.json'), 'utf8')), `seed ${seed}, run ${i}`).toBe(wantSummary);
      survived++;
    }
    console.log(`kill -9: ${survived} of ${RUNS} runs resumed to the uninterrupted log (seed ${seed})`);
    expect(survived).toBe(RUNS);
  }, 900_000);
});
