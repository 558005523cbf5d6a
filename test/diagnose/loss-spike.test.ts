/**
 * A transient loss jump (one step far above the rolling median, then back) is reported as a
 * `lossSpike` warning and reads the same on every surface: the train summary and --json,
 * summary.json, report (terminal and HTML), check (table, --json, JUnit, annotations), where
 * it is a warning, not a failure, unless `check.maxLossSpikes` is set. The constructed case:
 * test/diagnose/loss-spike-sgd.yaml with `--inject spike@40:50` (the loss at step 41 is
 * about 28× its rolling median and settles within five steps). Spawns bin/gclip.js.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclipAsync as gclip, stripAnsi } from '../helpers/cli.js';

const CONFIG = 'test/diagnose/loss-spike-sgd.yaml';
const INJECT = ['--inject', 'spike@40:50'];

/** Terminal text with table borders and line wraps removed, so a wrapped cell reads as one line. */
const flat = (text: string): string => stripAnsi(text).replace(/[│├┤┼─┌┐└┘┬┴]/g, ' ').replace(/\s+/g, ' ');

interface Spike { step: number; loss: number; median: number; factor: number }

describe('a one-step loss jump that settles', () => {
  it('is one lossSpike warning, worded the same by train, report, check, JUnit and annotations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-loss-spike-'));
    const run = join(dir, 'run');
    const train = await gclip(['train', '--config', CONFIG, ...INJECT, '--out', run]);
    expect(train.code, train.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { status: string; events: Record<string, number>; lossSpikes: Spike[]; onset: unknown };
    expect(summary).toMatchObject({ status: 'ok', onset: null, events: { lossSpike: 1 } });
    expect(summary.events).not.toHaveProperty('divergence');
    expect(summary.lossSpikes).toHaveLength(1);
    const spike = summary.lossSpikes[0]!;
    expect(spike.step).toBe(41);
    expect(spike.factor).toBeCloseTo(spike.loss / spike.median, 10);
    expect(spike.factor).toBeGreaterThan(10);

    // The row's words, from the train summary; every other surface must say exactly this.
    const text = /loss spikes (loss \S+ at step 41 is \S+× the rolling median \S+)/.exec(flat(train.stdout))?.[1];
    expect(text).toBeDefined();
    expect(flat(train.stderr)).toContain(`⚠ loss spike: ${text}`);
    const log = readFileSync(join(run, 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; events: { kind: string }[] });
    expect(log.flatMap((r) => r.events.filter((e) => e.kind === 'lossSpike').map(() => r.step))).toEqual([41]);

    const json = await gclip(['train', '--config', CONFIG, ...INJECT, '--json', '--quiet', '--out', join(dir, 'json')]);
    expect((JSON.parse(json.stdout) as { lossSpikes: Spike[] }).lossSpikes).toEqual(summary.lossSpikes);

    const html = join(dir, 'report.html');
    const report = await gclip(['report', run, '--html', html]);
    expect(report.code).toBe(0);
    expect(flat(report.stdout)).toContain(`loss spikes ${text}`);
    // ◇ marks its column under the loss chart, with its key.
    expect(stripAnsi(report.stdout)).toMatch(/^ +◇ +◇ loss spike$/m);
    expect(readFileSync(html, 'utf8')).toContain(`loss spikes</th><td>${text}</td>`);

    const steps = join(run, 'steps.jsonl');
    const junit = join(dir, 'junit.xml');
    const check = await gclip(['check', '--log', steps, '--config', CONFIG, '--json', '--junit', junit], { env: { GITHUB_ACTIONS: 'true' } });
    expect(check.code, check.stdout).toBe(0);
    const criterion = (JSON.parse(check.stdout) as { passed: boolean; criteria: { name: string; passed: boolean; warning?: boolean; value: number; bound: unknown; reason: string }[] }).criteria.find((c) => c.name === 'loss_spikes');
    expect(criterion).toMatchObject({ passed: true, warning: true, value: 1, bound: null });
    expect(criterion!.reason).toContain(text);
    expect(readFileSync(junit, 'utf8')).toMatch(new RegExp(`<testcase name="loss_spikes"[^>]*>\\s*<system-out>warning: 1 loss spike\\(s\\): ${escape(text!)}`));
    expect(check.stderr).toContain(`::warning title=gclip check%3A loss_spikes,file=${steps}::1 loss spike(s): ${text}`);
    const table = flat((await gclip(['check', '--log', steps, '--config', CONFIG])).stdout);
    expect(table).toContain(`⚠ loss_spikes 1 not judged 1 loss spike(s): ${text}`);
    expect(table).toContain('check passed: 6 criteria, 80 steps (1 warning)');
  }, 300_000);

  it('fails the check once check.maxLossSpikes is set below the count, in config mode too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-loss-spike-gate-'));
    writeFileSync(join(dir, 'gate.yaml'), readFileSync(CONFIG, 'utf8').replace('check: { maxSpikes: null }', 'check: { maxSpikes: null, maxLossSpikes: 0 }'));
    const junit = join(dir, 'junit.xml');
    const check = await gclip(['check', '--config', 'gate.yaml', ...INJECT, '--junit', junit, '--json'], { cwd: dir });
    expect(check.code, check.stderr).toBe(1);
    const criterion = (JSON.parse(check.stdout) as { criteria: { name: string; passed: boolean; value: number; bound: number }[] }).criteria.find((c) => c.name === 'loss_spikes');
    expect(criterion).toMatchObject({ passed: false, value: 1, bound: 0 });
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase name="loss_spikes"[^>]*>\s*<failure message="1 loss spike\(s\): loss \S+ at step 41 is/);
    const clean = await gclip(['check', '--config', 'gate.yaml', '--json'], { cwd: dir });
    expect(clean.code, clean.stdout).toBe(0);
  }, 300_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
