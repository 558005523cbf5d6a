import { describe, expect, it } from 'vitest';
import { thrownGclipError } from '../../test/helpers/errors.js';
import { parseBaseline } from './baseline.js';

const summary = {
  status: 'ok',
  reason: null,
  steps: 200,
  finalLoss: 0.42,
  bestLoss: 0.4,
  firstBadStep: null,
  firstBadLayer: null,
  onset: null,
  firstNonfiniteStep: null,
  policyStep: null,
  preClipNorm: { median: 1.1, p90: 2.5, max: 7 },
  clipRate: 0.1,
  skippedSteps: 0,
  events: {},
  backend: 'cpu',
  stepsPerSec: 120,
  finalValLoss: null,
  hints: [],
  runDir: 'runs/x',
  someFutureField: { nested: true },
};

const thrown = thrownGclipError;

describe('parseBaseline', () => {
  it('takes finalLoss and the norm median/p90 from a RunSummary, ignoring other fields', () => {
    expect(parseBaseline(JSON.stringify(summary), 'summary.json')).toEqual({ finalLoss: 0.42, preClipNorm: { median: 1.1, p90: 2.5 } });
  });

  it('turns null and non-finite statistics into null', () => {
    const text = JSON.stringify({ ...summary, finalLoss: 'NaN', preClipNorm: { median: null, p90: 2 } });
    expect(parseBaseline(text, 'summary.json')).toEqual({ finalLoss: null, preClipNorm: { median: null, p90: 2 } });
  });

  it('rejects bad JSON naming the file and line (exit 2)', () => {
    const e = thrown(() => parseBaseline('{\n  "finalLoss": 1,\n  ]\n}', 'base/summary.json'));
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe('baseline_bad_json');
    expect(e.issues[0]?.source).toBe('base/summary.json:3');
  });

  it('rejects a summary without preClipNorm or without any usable statistic', () => {
    expect(thrown(() => parseBaseline('{"finalLoss": 1}', 's.json')).issues[0]?.path).toBe('preClipNorm');
    const e = thrown(() => parseBaseline('{"finalLoss": null, "preClipNorm": {"median": null, "p90": null}}', 's.json'));
    expect(e.issues[0]?.message).toBe('baseline has no finite finalLoss, preClipNorm.median or preClipNorm.p90 to compare against');
  });
});
