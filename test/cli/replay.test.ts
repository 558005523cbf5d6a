/**
 * `gclip replay` spawned: a step of a trained run replays bit-equal (exit 0), a doctored
 * log value is named (exit 4), bad input exits 2. Needs `npm run build` first.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gclipAsync } from '../helpers/cli.js';

let dir: string;
let run: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gclip-replay-cli-'));
  run = join(dir, 'run');
  const r = await gclipAsync(['train', '--config', 'configs/ci-check.yaml', '--steps', '20', '--checkpoint-every', '10', '--backend', 'wasm', '--out', run, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
});

describe('gclip replay (spawned)', () => {
  it('replays a step from its checkpoint bit for bit on the run\'s backend (exit 0)', async () => {
    const r = await gclipAsync(['replay', run, '--step', '15', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { agreed: boolean; sameBackend: boolean; rtol: number; from: unknown; backend: string; quantities: { name: string }[] };
    expect(doc).toMatchObject({ agreed: true, sameBackend: true, rtol: 0, backend: 'wasm', from: { kind: 'checkpoint', step: 10 } });
    expect(doc.quantities.map((q) => q.name).slice(0, 3)).toEqual(['loss', 'preClipNorm', 'postClipNorm']);
  });

  it('names a doctored value and exits 4', async () => {
    const copy = join(dir, 'doctored');
    mkdirSync(copy);
    for (const f of ['config.json', 'summary.json']) copyFileSync(join(run, f), join(copy, f));
    const lines = readFileSync(join(run, 'steps.jsonl'), 'utf8').trimEnd().split('\n');
    lines[6] = lines[6]!.replace(/"preClipNorm":([0-9.e-]+)/, (_m, v: string) => `"preClipNorm":${Number(v) * 1.5}`);
    writeFileSync(join(copy, 'steps.jsonl'), lines.join('\n') + '\n');
    const r = await gclipAsync(['replay', copy, '--step', '6']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toContain('from the start');
    expect(r.stdout).toMatch(/✖ preClipNorm differs: logged [\d.]+, replayed [\d.]+/);
  });

  it.each([
    ['a missing run directory', () => [join(dir, 'nope'), '--step', '1'], 'run directory not found'],
    ['a step beyond the log', () => [run, '--step', '20'], 'logs steps 0 to 19; step 20 is not among them'],
    ['a directory without config.json', () => [dir, '--step', '1'], 'has no config.json'],
    ['no --step', () => [run], 'needs --step K'],
  ])('refuses %s (exit 2)', async (_what, args, message) => {
    const r = await gclipAsync(['replay', ...args()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
