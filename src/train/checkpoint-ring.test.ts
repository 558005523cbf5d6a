/**
 * The rollback ring in a checkpoint (checkpoint-ring.ts), in process: a resume rebuilds the
 * ring (same rollback target and step log as the uninterrupted run) without leaking a
 * tensor, and a checkpoint without a ring (written before it existed) still resumes, with
 * the old behaviour: a ring that starts at the resume step.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../config/schema.js';
import { initBackend } from '../runtime/backend.js';
import { tf } from '../runtime/tf.js';
import { RING_FILE } from './checkpoint-ring.js';
import { runSession } from './session.js';

/** NaN at 10 (back to 10) and 13 (back to 10: the ring holds 0, 5, 10); checkpoints before 6, 12 and 18. */
const config = (dir: string) => runConfigSchema.parse({
  model: { kind: 'mlp', hidden: [8] },
  data: { kind: 'regression', samples: 128, features: 4, batchSize: 16 },
  train: { steps: 20, optimizer: 'adam', lr: 0.01 },
  clip: { kind: 'norm', maxNorm: 0.5 },
  inject: ['nan@10', 'nan@13'],
  detect: { nonfinite: { action: 'rollback' }, rollback: { every: 5 } },
  log: { out: dir },
  checkpoint: { every: 6, keep: 10 },
});

const session = { cwd: '/', startedAt: new Date(0), now: () => 0 };
const toSteps = (dir: string) => [...readFileSync(join(dir, 'steps.jsonl'), 'utf8').matchAll(/"kind":"rollback","step":(\d+),"cause":"nonfinite","toStep":(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

/** A copy of `full` cut back to its checkpoint of step 12; `strip` removes the ring as an older writer would have. */
function cutAt12(full: string, strip: boolean): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gclip-ring-cut-')), 'run');
  cpSync(full, dir, { recursive: true });
  const name = 'step-00000012';
  writeFileSync(join(dir, 'checkpoints', 'manifest.json'), JSON.stringify({ format: 'gclip-checkpoint/1', complete: [{ step: 12, dir: name }] }));
  rmSync(join(dir, 'summary.json'));
  if (strip) {
    const stateFile = join(dir, 'checkpoints', name, 'state.json');
    const { ring: _ring, ...state } = JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stateFile, JSON.stringify(state));
    rmSync(join(dir, 'checkpoints', name, RING_FILE));
  }
  return dir;
}

describe.each(['wasm', 'cpu'] as const)('rollback ring across a resume on %s', (backend) => {
  it('rebuilds the ring: the same rollback target and step log, no tensor left behind', async () => {
    await initBackend(backend);
    const full = join(mkdtempSync(join(tmpdir(), 'gclip-ring-')), 'run');
    await runSession(config(full), { ...session, backend });
    expect(toSteps(full)).toEqual([[10, 10], [13, 10]]);
    const saved = JSON.parse(readFileSync(join(full, 'checkpoints', 'step-00000012', 'state.json'), 'utf8')) as { ring: { entries: { state: { step: number } }[] } };
    expect(saved.ring.entries.map((e) => e.state.step)).toEqual([0, 5, 10]);
    const dir = cutAt12(full, false);
    const before = tf.memory().numTensors;
    await runSession(config(dir), { ...session, backend, resume: dir });
    expect(tf.memory().numTensors).toBe(before);
    expect(readFileSync(join(dir, 'steps.jsonl'), 'utf8')).toBe(readFileSync(join(full, 'steps.jsonl'), 'utf8'));
  }, 60_000);

  it('resumes a checkpoint without a ring as before: the ring starts at the resume step', async () => {
    await initBackend(backend);
    const full = join(mkdtempSync(join(tmpdir(), 'gclip-ring-')), 'run');
    await runSession(config(full), { ...session, backend });
    const dir = cutAt12(full, true);
    const before = tf.memory().numTensors;
    await runSession(config(dir), { ...session, backend, resume: dir });
    expect(tf.memory().numTensors).toBe(before);
    expect(toSteps(dir)).toEqual([[10, 10], [13, 12]]);
  }, 60_000);
});
