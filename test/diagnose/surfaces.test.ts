/**
 * Issue #16: the onset and the blamed layer are computed once and every surface shows the
 * same ones. Exploding setups must report an onset no later than the first step whose loss
 * exceeds 10× the best so far; stable ones must report no onset and no event.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/log/codec.js';
import type { StepRecord } from '../../src/log/index.js';
import { gclipAsync as gclip, stripAnsi } from '../helpers/cli.js';

const EXPLODING = ['configs/exploding-rnn.yaml', 'test/diagnose/deep-tanh-mlp.yaml', 'test/diagnose/lstm-high-lr.yaml'];

const STABLE: readonly (readonly string[])[] = [
  ['--config', 'configs/demo.yaml'],
  ['--config', 'configs/stable-mlp.yaml'],
  ['--config', 'configs/exploding-rnn.yaml', '--clip-norm', '1'],
  ['--config', 'configs/ci-check.yaml'],
  ['--config', 'configs/model-json.yaml'],
  ['--config', 'test/diagnose/stable-small-init.yaml'],
  ['--config', 'test/diagnose/stable-gru.yaml'],
];

function records(dir: string): StepRecord[] {
  return readFileSync(join(dir, 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => decodeRecord(l));
}

/** The first step whose loss is above 10× the best finite loss before it (the yardstick). */
function firstTenfoldStep(rs: readonly StepRecord[]): number | null {
  let best = Infinity;
  for (const r of rs) {
    if (!Number.isFinite(r.loss) || r.loss > 10 * best) return r.step;
    best = Math.min(best, r.loss);
  }
  return null;
}

/** The value of a `key: value` line or table row naming the onset in terminal text. */
function onsetLayerIn(text: string): string | null {
  // A wrapped table cell continues on the next row: drop the borders and join the lines.
  const flat = stripAnsi(text).replace(/[│├┤┼─]/g, ' ').replace(/\s+/g, ' ');
  const m = /onset:? step \d+ \([^)]*\), layer ([\w.-]+)/.exec(flat);
  return m?.[1] ?? null;
}

describe.each(EXPLODING)('exploding setup %s', (config) => {
  it('reports the onset early and blames the same layer on every surface', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-onset-'));
    const run = join(dir, 'run');
    const train = await gclip(['train', '--config', config, '--out', run]);
    expect(train.code).toBe(1);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { firstBadStep: number; firstBadLayer: string; onset: { step: number; layer: string } };
    const rs = records(run);
    const yardstick = firstTenfoldStep(rs);
    expect(yardstick).not.toBeNull();
    expect(summary.onset.step).toBeLessThanOrEqual(yardstick!);
    expect(summary.firstBadStep).toBe(summary.onset.step);
    const layer = summary.onset.layer;
    expect(layer).toBe(summary.firstBadLayer);
    expect(Object.keys(rs[0]!.layerNorms)).toContain(layer);

    const json = await gclip(['train', '--config', config, '--json', '--quiet', '--out', join(dir, 'json')]);
    expect((JSON.parse(json.stdout) as { onset: { step: number; layer: string } }).onset).toMatchObject({ step: summary.onset.step, layer });

    const html = join(dir, 'report.html');
    const report = await gclip(['report', run, '--html', html]);
    expect(report.code).toBe(0);
    const check = await gclip(['check', '--log', join(run, 'steps.jsonl'), '--json']);
    const junitFile = join(dir, 'junit.xml');
    await gclip(['check', '--log', join(run, 'steps.jsonl'), '--junit', junitFile]);
    const checkText = await gclip(['check', '--log', join(run, 'steps.jsonl')]);

    const surfaces = {
      train: onsetLayerIn(train.stdout + train.stderr),
      report: onsetLayerIn(report.stdout),
      html: /Onset step \d+ \([^)]*\), layer ([\w.-]+)/.exec(readFileSync(html, 'utf8'))?.[1],
      check: (JSON.parse(check.stdout) as { onset: { layer: string } }).onset.layer,
      checkText: onsetLayerIn(checkText.stdout),
      junit: /<property name="onset_layer" value="([^"]+)"/.exec(readFileSync(junitFile, 'utf8'))?.[1],
    };
    expect(surfaces).toEqual({ train: layer, report: layer, html: layer, check: layer, checkText: layer, junit: layer });
    expect((JSON.parse(check.stdout) as { onset: { step: number } }).onset.step).toBe(summary.onset.step);
  }, 300_000);
});

describe.each(STABLE.map((args) => [args.join(' '), args] as const))('stable setup %s', (_name, args) => {
  it('reports no onset and no event', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gclip-stable-')), 'run');
    const r = await gclip(['train', ...args, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'ok', onset: null, firstBadStep: null, firstNonfiniteStep: null, policyStep: null, events: {} });
    const report = stripAnsi((await gclip(['report', out])).stdout);
    expect(report).toMatch(/onset\s+│ none/);
  }, 300_000);
});
