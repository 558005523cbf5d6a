/**
 * Every Node example in examples/ runs (against the built package, as a user's script
 * would import it) and leaves a run directory that `gclip check --log` passes and
 * `gclip report` reads. The browser page is run by test/browser/monitor.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclip, ROOT } from '../helpers/cli.js';

describe('examples/', () => {
  for (const example of ['fit.mjs', 'fit-dataset.mjs', 'custom-loop.mjs']) {
    it(`${example} runs and writes a run directory gclip check passes`, async () => {
      const dir = join(await mkdtemp(join(tmpdir(), 'gclip-example-')), 'run');
      const r = spawnSync(process.execPath, [join(ROOT, 'examples', example), dir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(dir);
      const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      expect(summary).toMatchObject({ status: 'ok', runDir: dir });
      const check = gclip(['check', '--log', join(dir, 'steps.jsonl')]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      expect(gclip(['report', dir]).code).toBe(0);
    });
  }
});
