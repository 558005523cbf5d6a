/**
 * The rollback ring travels in the checkpoint (docs/checkpoints.md, "Resume"): a run with
 * rollback actions, cut back to a checkpoint just before its rollbacks and resumed, ends
 * with the uninterrupted run's steps.jsonl and summary.json (wall-clock fields aside), on
 * wasm and on the host-update path (cpu-ops). Without the ring, the NaN case rolls back to
 * step 21 instead of 20 and the divergence case, resumed inside its streak, halts with no
 * state to roll back to. Spawns bin/gclip.js (run `npm run build` first).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { gclip, ROOT } from '../helpers/cli.js';
import { withoutWallClock } from '../helpers/wall-clock.js';

const read = (dir: string, file: string) => withoutWallClock(readFileSync(join(dir, file), 'utf8'));

/** The review's reproduction: NaN at 20, 25 and 52 answered by rollbacks; checkpoints every 7 steps. */
const NAN_CASE = `
train: { steps: 60, optimizer: adam, lr: 0.01 }
clip: { kind: norm, maxNorm: 1 }
inject: ['nan@20', 'nan@25', 'nan@52']
detect: { nonfinite: { action: rollback } }
checkpoint: { every: 7, keep: 20 }
`;

/** Unclipped: a divergence streak from step 2 answered at step 6 by a rollback to before step 0; checkpoints every 4 steps. */
const DIVERGENCE_CASE = `
train: { steps: 30 }
clip: { kind: none }
detect: { nonfinite: { action: rollback }, divergence: { action: rollback }, rollback: { lrScale: 0.5 } }
checkpoint: { every: 4, keep: 20 }
`;

/** Points the manifest at the checkpoint of `step` and forgets the end: the run as if killed after that checkpoint. */
function cutBackTo(dir: string, step: number): void {
  const name = `step-${String(step).padStart(8, '0')}`;
  writeFileSync(join(dir, 'checkpoints', 'manifest.json'), JSON.stringify({ format: 'gclip-checkpoint/1', complete: [{ step, dir: name }] }));
  rmSync(join(dir, 'summary.json'));
}

const rollbacks = (dir: string) => readFileSync(join(dir, 'steps.jsonl'), 'utf8').match(/"kind":"rollback","step":\d+,"cause":"\w+","toStep":\d+/g);

describe.each([
  ['wasm', {}],
  ['cpu-ops', { GCLIP_TEST_BACKEND: 'cpu-ops' }],
] as const)('a resume keeps the rollback ring on %s', (backend, env) => {
  it.each([
    ['NaN at 20, 25, 52; cut at 21', NAN_CASE, [21, 49], ['step":20,"cause":"nonfinite","toStep":20', 'step":25,"cause":"nonfinite","toStep":20', 'step":52,"cause":"nonfinite","toStep":50']],
    ['divergence, cut inside its streak at 4', DIVERGENCE_CASE, [4], ['step":6,"cause":"divergence","toStep":0']],
  ] as const)('%s', (_name, yaml, cuts, want) => {
    const root = mkdtempSync(join(tmpdir(), 'gclip-ring-'));
    const base = parse(readFileSync(join(ROOT, 'configs/exploding-rnn.yaml'), 'utf8')) as Record<string, unknown>;
    const extra = parse(yaml) as Record<string, unknown>;
    const block = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    const merged = { ...base, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, block(v) && block(base[k]) ? { ...(base[k] as object), ...(v as object) } : v])) };
    writeFileSync(join(root, 'cfg.yaml'), stringify(merged));
    const full = join(root, 'full');
    const args = ['--backend', backend === 'wasm' ? 'wasm' : 'auto', '--quiet'];
    const done = gclip(['train', '--config', 'cfg.yaml', ...args, '--out', full], { cwd: root, env });
    expect(done.code, done.stderr).toBe(0);
    const logged = rollbacks(full)!.join('\n');
    for (const w of want) expect(logged).toContain(w);
    for (const step of cuts) {
      const dir = join(root, `cut-${step}`);
      cpSync(full, dir, { recursive: true });
      cutBackTo(dir, step);
      const r = gclip(['train', '--resume', dir, ...args], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(read(dir, 'steps.jsonl')).toBe(read(full, 'steps.jsonl'));
      expect(read(dir, 'summary.json')).toBe(read(full, 'summary.json'));
    }
  }, 300_000);
});
