import { describe, expect, it } from 'vitest';
import type { CheckResult } from './criteria.js';
import { annotations, escapeData, escapeProperty, markdownCell, stepSummary, workflowCommand } from './github.js';

/** The runner's unescaping (actions/runner ActionCommand.Unescape*), as an independent inverse. */
const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string): string => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

const nasty = '100% of steps: clipped,\r\nthen NaN, at step 3:4';

describe('escapeData / escapeProperty', () => {
  it('escapes %, CR and LF in data, leaving : and , alone', () => {
    expect(escapeData(nasty)).toBe('100%25 of steps: clipped,%0D%0Athen NaN, at step 3:4');
  });

  it('also escapes : and , in properties', () => {
    expect(escapeProperty(nasty)).toBe('100%25 of steps%3A clipped%2C%0D%0Athen NaN%2C at step 3%3A4');
  });

  it('escapes % first, so an already-escaped-looking %0A round-trips', () => {
    expect(escapeData('%0A')).toBe('%250A');
    for (const s of [nasty, '%0A%3A', '::error::x', '']) {
      expect(unescapeData(escapeData(s))).toBe(s);
      expect(unescapeProperty(escapeProperty(s))).toBe(s);
    }
  });
});

describe('workflowCommand', () => {
  it('formats ::command key=value,key=value::message with escaping (a newline shown as \\n by the neutraliser)', () => {
    expect(workflowCommand('error', 'a%b\nc', { title: 'gclip check: spikes, p99', file: 'logs/m.csv' })).toBe(
      '::error title=gclip check%3A spikes%2C p99,file=logs/m.csv::a%25b\\nc',
    );
  });

  it('has no properties part when none are given, and drops empty ones like toolkit', () => {
    expect(workflowCommand('warning', 'w')).toBe('::warning::w');
    expect(workflowCommand('error', 'm', { title: 't', file: undefined, line: 12 })).toBe('::error title=t,line=12::m');
  });

  it('cannot be ended early by a message containing :: or a newline', () => {
    const line = workflowCommand('error', 'x\n::warning::injected', { title: 'a::b' });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('::error title=a%3A%3Ab::x\\n::warning::injected');
  });
});

const result: CheckResult = {
  passed: false,
  steps: 50,
  onset: null,
  firstNonfiniteStep: null,
  policyStep: null,
  criteria: [
    { name: 'nonfinite', passed: true, value: 0, bound: 0, reason: '0 non-finite steps (bound ≤ 0)' },
    { name: 'clip_rate', passed: false, value: 1, bound: { min: 0, max: 0.5 }, reason: 'clipped 50 of 50 steps: 100%, (bound 0–0.5)\nsee log' },
  ],
};

describe('annotations', () => {
  it('emits one ::error per failed criterion and one ::warning per note', () => {
    expect(annotations(result, { file: 'metrics.csv', notes: ['3 step(s) with a loss but no gradient norm were left out'] })).toEqual([
      '::error title=gclip check%3A clip_rate,file=metrics.csv::clipped 50 of 50 steps: 100%25, (bound 0–0.5)\\nsee log',
      '::warning title=gclip check%3A log,file=metrics.csv::3 step(s) with a loss but no gradient norm were left out',
    ]);
  });

  it('emits nothing for a passing result', () => {
    expect(annotations({ ...result, passed: true, criteria: result.criteria.slice(0, 1) })).toEqual([]);
  });
});

describe('stepSummary', () => {
  it('renders a verdict heading and one table row per criterion', () => {
    expect(stepSummary(result)).toMatchInlineSnapshot(`
      "### gclip check: ❌ failed (1 of 2 criteria)

      50 steps judged. onset: none; first non-finite: none; policy acted: none.

      | Criterion | Result | Value | Bound | Reason |
      | --- | --- | --- | --- | --- |
      | nonfinite | ✅ pass | 0 | ≤ 0 | 0 non-finite steps (bound ≤ 0) |
      | clip_rate | ❌ fail | 1 | 0–0.5 | clipped 50 of 50 steps: 100%, (bound 0–0.5)\\\\nsee log |
      "
    `);
  });

  it('keeps pipes and newlines inside their cell (the newline shown as \\n)', () => {
    expect(markdownCell('a|b\nc <d> & e')).toBe('a\\|b\\\\nc &lt;d> &amp; e');
  });
});
