/**
 * Issue #16: the onset and the blamed layer are computed once and every surface shows the
 * same ones. Exploding setups must report an onset no later than the first step whose loss
 * exceeds 10× the best so far; stable ones must report no onset and no event.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/log/codec.js';
import type { StepRecord } from '../../src/log/index.js';
import { gclipAsync as gclip, stripAnsi } from '../helpers/cli.js';

/**
 * Every shipped config that explodes (configs/, fixtures/), plus the test's own exploding
 * setups, with the events their runs count (seed of the config, wasm). Every update-ratio
 * event of these runs is the ceiling (ratio > 1): adam-high-lr's is its step 0, before the loss.
 */
const EXPLODING_EVENTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'configs/exploding-rnn.yaml': { updateRatio: 7, spike: 1, lossSpike: 1, divergence: 1 },
  'configs/adam-high-lr.yaml': { updateRatio: 1, lossSpike: 1, divergence: 1 },
  'test/diagnose/deep-tanh-mlp.yaml': { updateRatio: 7, spike: 4, lossSpike: 1, divergence: 1 },
  'test/diagnose/lstm-high-lr.yaml': { updateRatio: 6, spike: 3, lossSpike: 1, divergence: 1 },
};
const EXPLODING = Object.keys(EXPLODING_EVENTS);

/** Every shipped config (configs/, its templates, fixtures/) that is not built to explode: each must end ok without an event. */
const SHIPPED = [...['configs', 'configs/templates'].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => `${d}/${f}`)), 'fixtures/plugins/scale-clip.yaml'];

const STABLE: readonly (readonly string[])[] = [
  ...SHIPPED.filter((c) => !EXPLODING.includes(c)).map((c) => ['--config', c]),
  // The healthy variants the exploding configs name in their headers (no clip rescues adam-high-lr: Adam normalises the step).
  ['--config', 'configs/exploding-rnn.yaml', '--clip-norm', '1'],
  ['--config', 'configs/adam-high-lr.yaml', '--lr', '0.01'],
  ['--config', 'test/diagnose/stable-small-init.yaml'],
  ['--config', 'test/diagnose/stable-gru.yaml'],
];

/**
 * The events a stable setup may count: none, but for stable-small-init's first Adam step,
 * which moves every weight by lr = 0.02 against weights at 0.05× their Glorot scale: a
 * layer ratio of 1.82, above the update-ratio ceiling 1 (adam-high-lr's first step, the
 * one that wrecks it, reads 1.97; the ratio cannot tell the two apart).
 */
const STABLE_EVENTS: Readonly<Record<string, readonly object[]>> = {
  '--config test/diagnose/stable-small-init.yaml': [{ kind: 'updateRatio', step: 0, layer: 'dense_1', ceiling: true }],
};

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
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { firstBadStep: number; firstBadLayer: string; onset: { step: number; layer: string }; events: unknown };
    expect(summary.events).toEqual(EXPLODING_EVENTS[config]);
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

    const surfaces = { train: onsetLayerIn(train.stdout + train.stderr), ...(await readSurfaces(run, dir)) };
    expect(surfaces).toEqual({ train: layer, report: layer, html: layer, check: layer, checkText: layer, junit: layer, checkStep: summary.onset.step });
  }, 300_000);
});

/** The onset layer as `gclip report` (terminal, HTML) and `gclip check` (table, --json, JUnit) show it for the run directory `run`, and check's onset step. */
async function readSurfaces(run: string, scratch: string) {
  const html = join(scratch, 'report.html');
  const report = await gclip(['report', run, '--html', html]);
  expect(report.code).toBe(0);
  const steps = join(run, 'steps.jsonl');
  const check = JSON.parse((await gclip(['check', '--log', steps, '--json'])).stdout) as { onset: { step: number; layer: string } };
  const junitFile = join(scratch, 'junit.xml');
  await gclip(['check', '--log', steps, '--junit', junitFile]);
  return {
    report: onsetLayerIn(report.stdout),
    html: /Onset step \d+ \([^)]*\), layer ([\w.-]+)/.exec(readFileSync(html, 'utf8'))?.[1],
    check: check.onset.layer,
    checkText: onsetLayerIn((await gclip(['check', '--log', steps])).stdout),
    junit: /<property name="onset_layer" value="([^"]+)"/.exec(readFileSync(junitFile, 'utf8'))?.[1],
    checkStep: check.onset.step,
  };
}

describe('the recorded exploding run fixtures/runs/exploding-rnn', () => {
  it('gets its onset early and the layer its summary.json names on every surface that reads a log', async () => {
    const run = 'fixtures/runs/exploding-rnn';
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { firstBadStep: number; firstBadLayer: string };
    expect(summary.firstBadStep).toBeLessThanOrEqual(firstTenfoldStep(records(run))!);
    const layer = summary.firstBadLayer;
    const scratch = mkdtempSync(join(tmpdir(), 'gclip-onset-fixture-'));
    expect(await readSurfaces(run, scratch)).toEqual({ report: layer, html: layer, check: layer, checkText: layer, junit: layer, checkStep: summary.firstBadStep });
  }, 300_000);
});

describe.each(STABLE.map((args) => [args.join(' '), args] as const))('stable setup %s', (name, args) => {
  it('reports no onset and no event', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gclip-stable-')), 'run');
    const r = await gclip(['train', ...args, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'ok', onset: null, firstBadStep: null, firstNonfiniteStep: null, policyStep: null });
    // Deep equality: toMatchObject would take `events: {}` as a subset and pass any events.
    const expected = STABLE_EVENTS[name] ?? [];
    expect(records(out).flatMap((r) => r.events)).toEqual(expected.map((e) => expect.objectContaining(e)));
    expect(summary.events).toEqual(expected.length === 0 ? {} : { updateRatio: expected.length });
    expect(summary).not.toHaveProperty('lossSpikes');
    const report = stripAnsi((await gclip(['report', out])).stdout);
    expect(report).toMatch(/onset\s+│ none/);
  }, 300_000);
});
