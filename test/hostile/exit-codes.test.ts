/**
 * Bad input that used to end in exit 3 (an internal error) or in unbounded reading: an
 * output path under a file, a sweep whose adaptive row never finished, pathological YAML
 * and JSON, and files over the documented size limits (refused from their size, before
 * they are read). Each must exit 2 with the file or flag named.
 */
import { mkdir, mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gclip, ROOT } from '../helpers/cli.js';

const LOG = join(ROOT, 'fixtures/logs/steps-pass.jsonl');
let dir = '';

/** A file of `bytes` that takes no disk space (sparse): reading it whole would be the bug. */
async function sparse(name: string, bytes: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '');
  await truncate(path, bytes);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gclip-exit-'));
  await mkdir(join(dir, 'run'));
});

describe('output paths under a file exit 2 before any work', () => {
  it.each([
    ['check --junit', ['check', '--log', LOG, '--junit', '/dev/null/x.xml'], '--junit'],
    ['report --html', ['report', LOG, '--html', '/dev/null/x.html'], '--html'],
    ['train --out', ['train', '--steps', '2', '--backend', 'cpu', '--out', '/dev/null/run'], '/dev/null/run'],
    ['train --tensorboard', ['train', '--steps', '2', '--backend', 'cpu', '--out', 'tb-run', '--tensorboard', '/dev/null/tb'], '/dev/null/tb'],
    ['sweep --out', ['sweep', '--steps', '2', '--thresholds', '1', '--seeds', '1', '--jobs', '1', '--out', '/dev/null/sw'], '/dev/null/sw'],
  ])('%s', (_name, args, named) => {
    const r = gclip(args, { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(named);
    expect(r.stderr).not.toContain('Internal error');
  });
});

describe('report on a sweep whose adaptive row has a threshold but no finite loss', () => {
  it('draws the other rows and exits 0 (asciichart threw "Invalid array length")', async () => {
    const sweep = {
      recommendation: { maxNorm: 1, reason: 'largest stable threshold' },
      points: [
        { threshold: null, strategy: 'none', seeds: 1, stableSeeds: 1, finalLoss: 0.5 },
        { threshold: 1, strategy: 'norm', seeds: 1, stableSeeds: 1, finalLoss: 0.4 },
        { threshold: 2, strategy: 'norm', seeds: 1, stableSeeds: 1, finalLoss: 0.3 },
        { threshold: 0.05, strategy: 'autoclip', seeds: 1, stableSeeds: 0, finalLoss: 'NaN' },
      ],
    };
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(sweep));
    const r = gclip(['report', join(dir, 'sweep.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('autoclip');
    expect(r.stdout).toContain('★ recommended max norm 1');
    await writeFile(join(dir, 'nan.csv'), 'step,loss,grad_norm\n1,nan,1\n2,nan,2\n');
    expect(gclip(['report', join(dir, 'nan.csv')]).code).toBe(0);
  });
});

describe('pathological YAML and JSON', () => {
  const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
  it.each([
    ['an alias bomb', 'bomb.yaml', `${laughs}\nname: x\n`, 'alias'],
    ['flow sequences 5000 deep', 'deep.yaml', `name: x\ntrain: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'nests too deeply'],
    ['JSON 20000 deep', 'deep.json', `{"name": "x", "train": ${'['.repeat(20000)}${']'.repeat(20000)}}`, 'nests too deeply'],
    ['a huge number', 'big.yaml', 'train:\n  lr: 1e999\n', 'train.lr'],
  ])('config with %s exits 2', async (_name, file, text, said) => {
    await writeFile(join(dir, file), text);
    const r = gclip(['config', 'validate', file], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(said);
    expect(r.stderr).toContain(file);
  });

  it.each([
    ['JSON data 100000 deep', 'deep-data.json', `[{"a": ${'['.repeat(100000)}${']'.repeat(100000)}, "y": 1}]`, 'nests lists and mappings more than 100 levels'],
    ['a number past float64', 'inf.csv', 'a,y\n1e999,1\n2,3\n', 'expected a finite number'],
  ])('data with %s exits 2', async (_name, file, text, said) => {
    await writeFile(join(dir, file), text);
    const r = gclip(['train', '--steps', '2', '--backend', 'cpu', '--model', 'mlp', '--data', file, '--target', 'y', '--out', `r-${file}`], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(said);
  });
});

describe('files over their documented limit are refused from their size', () => {
  it.each([
    ['a 2 MiB config', async () => ['config', 'validate', await sparse('big.yaml', 2 ** 21)], 'over gclip\'s limit of 1 MiB for a config file'],
    ['a 300 MiB data file', async () => ['train', '--steps', '2', '--model', 'mlp', '--data', await sparse('big.csv', 300 * 2 ** 20), '--target', 'y', '--out', 'r-big'], 'limit of 256 MiB for a data file'],
    ['a 300 MiB log', async () => ['check', '--log', await sparse('big.jsonl', 300 * 2 ** 20)], 'limit of 256 MiB for a log file'],
    ['a 100 MiB sweep.json', async () => { await mkdir(join(dir, 'sw'), { recursive: true }); return ['report', await sparse('sw/sweep.json', 100 * 2 ** 20)]; }, 'limit of 64 MiB for a sweep file'],
    ['a 20 MiB baseline summary', async () => ['check', '--log', LOG, '--baseline', await sparse('summary.json', 20 * 2 ** 20)], 'limit of 16 MiB for a summary file'],
    ['/dev/zero as a log', async () => ['check', '--log', '/dev/zero', '--format', 'gclip'], 'a device, not a regular file'],
  ])('%s', async (_name, args, said) => {
    const r = gclip(await args(), { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(said);
  });
});
