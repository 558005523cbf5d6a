#!/usr/bin/env node
/**
 * Byte-identity of run logs against another commit: builds REF in a temporary git worktree
 * (sharing this checkout's node_modules), runs the same `gclip train` cases with both trees
 * and compares `steps.jsonl` and `summary.json` byte for byte, wall-clock fields aside
 * (`wallMs`, `stepsPerSec`, `runDir`, `startedAt`, `durationMs`).
 *
 *   node bench/identity.mjs                 # against 9e98bca (before the house issue, #15)
 *   node bench/identity.mjs --ref HEAD~3    # against any commit
 *   node bench/identity.mjs --only demo,rnn-clipped
 *
 * Exits 0 when every case is identical, 1 otherwise (naming the first differing line).
 * Both sides run in this checkout's directory, so relative config paths mean the same files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const ref = opt('--ref', '9e98bca');
const only = opt('--only', undefined)?.split(',');

const RNN = ['--config', 'configs/exploding-rnn.yaml'];
const CASES = {
  demo: [],
  'demo-cpu': ['--backend', 'cpu', '--steps', '60'],
  rnn: RNN,
  'rnn-clipped': [...RNN, '--clip-norm', '1'],
  lstm: ['--model', 'lstm', '--data', 'adding', '--steps', '60'],
  cnn: ['--config', 'configs/cnn.yaml', '--steps', '40'],
  'model-json': ['--config', 'configs/model-json.yaml', '--steps', '60'],
  value: [...RNN, '--clip-value', '0.5', '--steps', '80'],
  'tensor-norm': [...RNN, '--clip', 'tensor-norm', '--tensor-norm-max-norm', '1', '--steps', '80'],
  agc: [...RNN, '--clip', 'agc', '--agc-clipping', '0.05', '--steps', '80'],
  autoclip: [...RNN, '--clip', 'autoclip', '--steps', '80'],
  zclip: [...RNN, '--clip', 'zclip', '--zclip-max-norm', '1', '--steps', '80'],
  'norm-l1': [...RNN, '--clip-norm', '1', '--norm-type', '1', '--steps', '80'],
  plugin: [...RNN, '--clip', './fixtures/plugins/scale-clip.js', '--steps', '80'],
  'rmsprop-skip': ['--optimizer', 'rmsprop', '--on-nonfinite', 'skip', '--steps', '80'],
};

const WALL = new Set(['wallMs', 'stepsPerSec', 'runDir', 'startedAt', 'durationMs']);
const strip = (text, indent) => JSON.stringify(JSON.parse(text), (k, v) => (WALL.has(k) ? undefined : v), indent);
/** JSONL line by line; a pretty-printed JSON file as a whole, re-indented so diffs name a line. */
const normalise = (text, file) =>
  file.endsWith('.jsonl')
    ? text
        .split('\n')
        .map((line) => (line.trim() === '' ? line : strip(line)))
        .join('\n')
    : strip(text, 2);

function build(dir) {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
}

const work = mkdtempSync(join(tmpdir(), 'gclip-identity-'));
const refTree = join(work, 'ref');
execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', refTree, ref], { stdio: 'ignore' });
try {
  symlinkSync(join(ROOT, 'node_modules'), join(refTree, 'node_modules'));
  build(refTree);
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) build(ROOT);
  let failed = 0;
  for (const [name, caseArgs] of Object.entries(CASES)) {
    if (only && !only.includes(name)) continue;
    const texts = [refTree, ROOT].map((tree, side) => {
      const out = join(work, `${name}-${side}`);
      const r = spawnSync(process.execPath, [join(tree, 'bin/gclip.js'), 'train', ...caseArgs, '--quiet', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      if (r.status === 2 || r.status === 3 || r.status === null) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
      return ['steps.jsonl', 'summary.json'].map((f) => normalise(readFileSync(join(out, f), 'utf8'), f));
    });
    const diffs = ['steps.jsonl', 'summary.json'].flatMap((file, i) => {
      const [a, b] = [texts[0][i].split('\n'), texts[1][i].split('\n')];
      const at = a.findIndex((line, k) => line !== b[k]);
      return at === -1 && a.length === b.length ? [] : [`${file} line ${at + 1}:\n    ${ref}: ${a[at]}\n    HEAD: ${b[at]}`];
    });
    failed += diffs.length > 0 ? 1 : 0;
    console.log(`${diffs.length === 0 ? 'identical' : 'DIFFERENT'}  ${name}${diffs.map((d) => `\n  ${d}`).join('')}`);
  }
  console.log(failed === 0 ? `all cases identical to ${ref}` : `${failed} case(s) differ from ${ref}`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', refTree], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}
