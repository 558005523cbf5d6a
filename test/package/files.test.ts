/**
 * The published package holds the product only: the CLI, the library and what its
 * documented commands read (configs, fixtures, schema, docs). Developer tooling (the bench,
 * the golden runner) and tests stay runnable from a checkout (`npm run bench`,
 * `npm run test:golden`) but are not shipped (issue #15).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

interface PackEntry {
  readonly path: string;
}

function packedFiles(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const [pack] = JSON.parse(r.stdout) as [{ files: PackEntry[] }];
  return pack.files.map((f) => f.path);
}

describe('npm pack', () => {
  const files = packedFiles();

  it('ships the CLI, the library entry and the schema', () => {
    expect(files).toEqual(expect.arrayContaining(['bin/gclip.js', 'dist/index.js', 'dist/cli/main.js', 'schema/gclip.schema.json']));
  });

  it('ships no bench, golden-runner or test file', () => {
    const tooling = files.filter((f) => /^dist\/(bench|golden)\//.test(f) || /\.test\.(js|d\.ts|js\.map)$/.test(f) || f.startsWith('test/'));
    expect(tooling).toEqual([]);
  });
});
