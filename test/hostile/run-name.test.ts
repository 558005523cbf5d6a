/**
 * A run name is one folder under runs/ or sweeps/: `name: "/../../outside"` is refused by
 * `config validate`, `train` and `sweep` (exit 2, nothing written outside), and a library
 * caller that skips the schema still cannot place a run directory outside runs/.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/schema.js';
import { isGclipError } from '../../src/errors.js';
import { childPath } from '../../src/guard/out-path.js';
import { chooseRunDir } from '../../src/train/session.js';
import { gclip } from '../helpers/cli.js';

const ESCAPE = '/../../../../outside';

async function sandbox(): Promise<{ root: string; cwd: string }> {
  const root = await mkdtemp(join(tmpdir(), 'gclip-name-'));
  const cwd = join(root, 'a', 'b', 'c', 'd');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(cwd, { recursive: true });
  await writeFile(join(cwd, 'c.yaml'), `name: "${ESCAPE}"\ntrain:\n  steps: 2\n`);
  return { root, cwd };
}

describe('run names that would leave runs/ and sweeps/', () => {
  it.each([['config', 'validate', 'c.yaml'], ['train', '--config', 'c.yaml'], ['sweep', '--config', 'c.yaml', '--thresholds', '1', '--seeds', '1']])(
    'gclip %s refuses the name with exit 2 and writes nothing outside',
    async (...args) => {
      const { root, cwd } = await sandbox();
      const r = gclip(args, { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("letters, digits, '.', '_' or '-'");
      expect(r.stderr).toContain('c.yaml:1');
      expect(existsSync(join(root, 'outside'))).toBe(false);
      expect(await readdir(cwd)).toEqual(['c.yaml']);
    },
  );

  it('accepts ordinary names and refuses separators, dot-dot and a leading dot in the schema', () => {
    for (const name of ['run', 'exp-1.2_b', 'A'.repeat(100)]) expect(runConfigSchema.parse({ name }).name).toBe(name);
    for (const name of ['', '../x', 'a/b', 'a\\b', '.hidden', '..', 'a\nb', 'A'.repeat(101), ESCAPE]) {
      expect(runConfigSchema.safeParse({ name }).success, `${JSON.stringify(name)} accepted`).toBe(false);
    }
  });

  it('keeps a derived run directory inside runs/ even when the config skipped the schema', () => {
    const config = { name: ESCAPE, log: {} } as never;
    const error = (() => { try { chooseRunDir(config, { cwd: '/w', startedAt: new Date(0) }); } catch (e) { return e; } return null; })();
    expect(isGclipError(error) ? [error.code, error.exitCode, error.issues[0]!.path] : error).toEqual(['unsafe_output_path', 2, 'name']);
    expect(childPath('/w/sweeps', 'ok', 'name')).toBe('/w/sweeps/ok');
    for (const bad of ['..', '../x', '/abs', 'a/b', '.', '']) expect(() => childPath('/w/sweeps', bad, 'name')).toThrow(/outside/);
  });
});
