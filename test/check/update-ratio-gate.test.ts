/**
 * `check.maxUpdateRatio` / `--max-update-ratio` end to end: the bound is judged against the
 * largest layer ‖Δw‖/‖w‖ of the records, the same number whether the run is trained by
 * check (config mode) or read back from its steps.jsonl (--log mode, flag or --config's
 * check: block), with a JUnit failure; sweep refuses the flag. Spawns bin/gclip.js.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclipAsync as gclip } from '../helpers/cli.js';
import { TINY } from '../sweep/helpers/sweep-cli.js';

interface Criterion { name: string; passed: boolean; value: number | null; bound: number; reason: string }
const criterion = (stdout: string): Criterion | undefined => (JSON.parse(stdout) as { criteria: Criterion[] }).criteria.find((c) => c.name === 'update_ratio');

describe('check --max-update-ratio', () => {
  it('judges the largest layer update ratio of the records in config and --log mode alike, with a JUnit failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-update-gate-'));
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    const run = await gclip(['check', '--config', 'tiny.yaml', '--out', 'run', '--json', '--quiet'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(criterion(run.stdout)).toBeUndefined();
    // The largest layer ratio of any record, read back from the log.
    const records = readFileSync(join(dir, 'run', 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { layerUpdateRatios: Record<string, number> });
    const max = Math.max(...records.flatMap((r) => Object.values(r.layerUpdateRatios)));
    expect(max).toBeGreaterThan(0);

    const trained = await gclip(['check', '--config', 'tiny.yaml', '--max-update-ratio', String(max / 2), '--json', '--quiet', '--junit', 'trained.xml'], { cwd: dir });
    expect(trained.code, trained.stderr).toBe(1);
    expect(criterion(trained.stdout)).toMatchObject({ passed: false, value: max, bound: max / 2 });
    expect(readFileSync(join(dir, 'trained.xml'), 'utf8')).toMatch(/<testcase name="update_ratio"[^>]*>\s*<failure message="update\/weight ratio median \/ max \S+ \/ \S+ at step \d+ \(\w+\)/);

    const logged = await gclip(['check', '--log', 'run/steps.jsonl', '--max-update-ratio', String(max / 2), '--json', '--junit', 'logged.xml'], { cwd: dir });
    expect(logged.code, logged.stderr).toBe(1);
    expect(criterion(logged.stdout)).toEqual(criterion(trained.stdout));
    expect(readFileSync(join(dir, 'logged.xml'), 'utf8')).toContain('<testcase name="update_ratio"');

    const passing = await gclip(['check', '--log', 'run/steps.jsonl', '--max-update-ratio', String(max), '--json'], { cwd: dir });
    expect(passing.code, passing.stdout).toBe(0);
    expect(criterion(passing.stdout)).toMatchObject({ passed: true, value: max });

    writeFileSync(join(dir, 'gate.yaml'), `${TINY}check: { maxUpdateRatio: ${max / 2} }\n`);
    const fromFile = await gclip(['check', '--log', 'run/steps.jsonl', '--config', 'gate.yaml', '--json'], { cwd: dir });
    expect(fromFile.code).toBe(1);
    expect(criterion(fromFile.stdout)).toEqual(criterion(trained.stdout));
    // The flag wins over the file, as everywhere.
    const overridden = await gclip(['check', '--log', 'run/steps.jsonl', '--config', 'gate.yaml', '--max-update-ratio', '1', '--json'], { cwd: dir });
    expect(overridden.code).toBe(0);
  }, 300_000);

  it('is bad input where it cannot apply: a non-positive bound, and on a sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-update-gate-bad-'));
    writeFileSync(join(dir, 'tiny.yaml'), TINY);
    const zero = await gclip(['check', '--log', 'nowhere.jsonl', '--max-update-ratio', '0'], { cwd: dir });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--max-update-ratio');
    const sweep = await gclip(['sweep', '-c', 'tiny.yaml', '--max-update-ratio', '0.1'], { cwd: dir });
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain('A sweep judges no gate; give check criteria to gclip check.');
  }, 300_000);
});
