/**
 * Every criterion, in every log format: a log that should pass it and a log that should
 * fail it, written as text, read back with parseLog and judged with evaluate.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, type Baseline } from '../../src/check/criteria.js';
import { parseLog } from '../../src/log/read.js';
import { checkSchema, type CheckCriteriaInput } from '../../src/check/schema.js';
import { toJsonl, toLightningCsv, toTrainerState, type Scenario } from './scenario.js';

interface Format {
  readonly name: string;
  readonly file: string;
  readonly write: (s: Scenario) => string;
}

const formats: readonly Format[] = [
  { name: 'gclip steps.jsonl', file: 'steps.jsonl', write: toJsonl },
  { name: 'Lightning metrics.csv', file: 'metrics.csv', write: toLightningCsv },
  { name: 'HF trainer_state.json', file: 'trainer_state.json', write: toTrainerState },
];

interface Case {
  readonly criterion: string;
  readonly criteria?: CheckCriteriaInput;
  readonly pass: Scenario;
  readonly fail: Scenario;
  /** Foreign logs: the max norm their run clipped at. */
  readonly clipNorm?: { pass: number; fail: number };
  readonly baseline?: Baseline;
  readonly formats?: readonly string[];
}

// Baseline from the healthy curve: final loss 2·e^(−99/40)+0.3 ≈ 0.47, norms ≈ 1 (p90 ≈ 1.1).
const baseline: Baseline = { finalLoss: 0.47, preClipNorm: { median: 1.0, p90: 1.1 } };

const cases: readonly Case[] = [
  { criterion: 'nonfinite', pass: {}, fail: { nanAt: [30] } },
  // Default maxSpikes is 3: four 20× spikes fail, one passes.
  { criterion: 'spikes', pass: { spikeAt: [40] }, fail: { spikeAt: [40, 50, 60, 70] } },
  // Only gclip records a skipped update; foreign logs have no such field.
  { criterion: 'skipped', pass: {}, fail: { skipAt: [10] }, formats: ['gclip steps.jsonl'] },
  // Healthy final/initial ≈ 0.47/2.3 ≈ 0.2 ≤ 0.9; flat ≈ 1.0 > 0.9.
  { criterion: 'loss_ratio', pass: {}, fail: { flatLoss: true } },
  // Norms ≈ 1 ± 0.1: p99 ≈ 1.1 ≤ 5; scaled ×10: p99 ≈ 11 > 5.
  { criterion: 'grad_norm_p99', criteria: { gradNorm: [{ p: 99, max: 5 }] }, pass: {}, fail: { normScale: 10 } },
  // Clip at 5: nothing clipped; clip at 0.5: every step clipped (rate 1 > 0.5).
  { criterion: 'clip_rate', pass: { clipNorm: 5 }, fail: { clipNorm: 0.5 }, clipNorm: { pass: 5, fail: 0.5 } },
  { criterion: 'divergence', pass: {}, fail: { divergeFrom: 60 } },
  { criterion: 'baseline_final_loss', pass: {}, fail: { flatLoss: true }, baseline },
  { criterion: 'baseline_grad_norm_median', pass: {}, fail: { normScale: 2 }, baseline },
  { criterion: 'baseline_grad_norm_p90', pass: {}, fail: { normScale: 2 }, baseline },
];

function judge(format: Format, c: Case, which: 'pass' | 'fail') {
  const clipNorm = format.file === 'steps.jsonl' ? undefined : c.clipNorm?.[which];
  const log = parseLog(format.write(c[which]), format.file, clipNorm === undefined ? {} : { clipNorm });
  const result = evaluate(log.records, checkSchema.parse(c.criteria ?? {}), c.baseline);
  const criterion = result.criteria.find((r) => r.name === c.criterion);
  if (!criterion) throw new Error(`criterion ${c.criterion} missing from ${JSON.stringify(result.criteria.map((r) => r.name))}`);
  return { result, criterion };
}

describe.each(formats)('$name', (format) => {
  const applicable = cases.filter((c) => !c.formats || c.formats.includes(format.name));
  it.each(applicable)('$criterion passes on a healthy log and fails on a bad one', (c) => {
    const pass = judge(format, c, 'pass');
    const fail = judge(format, c, 'fail');
    expect(pass.criterion.passed, pass.criterion.reason).toBe(true);
    expect(fail.criterion.passed, fail.criterion.reason).toBe(false);
    expect(fail.result.passed).toBe(false);
    expect(fail.criterion.reason).toMatch(/\(bound /);
  });

  it('passes every default criterion on the healthy log', () => {
    const log = parseLog(format.write({}), format.file);
    const result = evaluate(log.records, checkSchema.parse({}), baseline);
    expect(result.criteria.filter((r) => !r.passed)).toEqual([]);
    expect(result.passed).toBe(true);
  });
});
