/**
 * The CI recipe of docs/ci.md, spawned: `gclip check --config configs/ci-check.yaml`
 * passes clean and fails with `--inject nan@20`, naming step 20 as injected in the
 * terminal, `--json`, JUnit and the GitHub annotations. Needs `npm run build` first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclipAsync } from '../helpers/cli.js';

const CONFIG = 'configs/ci-check.yaml';
const MARK = 'step 20 (injected nan@20)';

interface CheckJson {
  passed: boolean;
  criteria: { name: string; passed: boolean; reason: string }[];
  firstNonfiniteStep: number | null;
  injected: { step: number; fault: string }[];
}

describe('gclip check --inject: the gate proves itself', () => {
  it('passes clean and reports no injection', async () => {
    const r = await gclipAsync(['check', '--config', CONFIG, '--quiet', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as CheckJson;
    expect(doc.passed).toBe(true);
    expect(doc.injected).toEqual([]);
  });

  it('fails with --inject nan@20 (exit 1), naming step 20 as injected in --json, JUnit and annotations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-inject-'));
    const junit = join(dir, 'check.xml');
    const r = await gclipAsync(['check', '--config', CONFIG, '--inject', 'nan@20', '--quiet', '--json', '--junit', junit], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: undefined } });
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as CheckJson;
    expect(doc.passed).toBe(false);
    expect(doc.injected).toEqual([{ step: 20, fault: 'nan@20' }]);
    expect(doc.firstNonfiniteStep).toBe(20);
    const nonfinite = doc.criteria.find((c) => c.name === 'nonfinite')!;
    expect(nonfinite.passed).toBe(false);
    expect(nonfinite.reason).toContain(`first at ${MARK}`);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<property name="injected" value="nan@20"/>`);
    expect(xml).toMatch(new RegExp(`<failure message="1 non-finite step\\(s\\), first at step 20 \\(injected nan@20\\)`));
    // Under --json the workflow commands go to stderr, so stdout stays one JSON object.
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors.find((l) => l.includes('gclip check%3A nonfinite'))).toContain(MARK);
    expect(errors.find((l) => l.includes('gclip check%3A onset'))).toContain(MARK);
  });

  it('says in the terminal which step was injected', async () => {
    const r = await gclipAsync(['check', '--config', CONFIG, '--inject', 'nan@20']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('↯ injected fault nan@20 at step 20');
    expect(r.stdout).toContain('injected: nan@20');
    expect(r.stdout).toContain(`first non-finite: ${MARK}`);
  });

  it('refuses a bad spec with exit 2, naming --inject and the accepted forms', async () => {
    const r = await gclipAsync(['check', '--config', CONFIG, '--inject', 'nan@twenty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--inject');
    expect(r.stderr).toContain('nan@K, inf@K, spike@K:F, spike@K:F:layer or loss-nan@K');
    expect(r.stderr).not.toMatch(/\.js:\d+:\d+/);
  });
});
