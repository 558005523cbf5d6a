import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../check/baseline.js';
import { parseSweep } from '../report/view/sweep.js';
import { decodeNumbers } from './codec.js';
import { parseTrainerState } from './hf.js';
import { parseJson5 } from './json5.js';
import { parseRunOutcome } from './run-dir.js';

// Line 3 holds the error: the parser stops at the stray `]`.
const BAD = '{\n  "points": [1,\n  ]]\n}';

describe('parseJson5', () => {
  it('reads bare NaN and Infinity (as Python writes them) and applies the reviver', () => {
    expect(parseJson5('{"a": NaN, "b": Infinity, "c": "-Infinity"}', () => new Error('unused'), decodeNumbers)).toEqual({ a: NaN, b: Infinity, c: -Infinity });
  });

  it('hands the reason, without the JSON5 prefix, and the line to fail', () => {
    let seen: unknown;
    expect(() => parseJson5(BAD, (s) => ((seen = s), new Error('bad')))).toThrow('bad');
    expect(seen).toEqual({ reason: expect.stringMatching(/^invalid character '\]' at 3:4$/), line: 3 });
  });
});

describe('every run-file reader names file:line for bad JSON', () => {
  it.each([
    ['summary.json', 'summary_bad_json', /^summary is not valid JSON: invalid character/, (t: string, f: string) => parseRunOutcome(t, f)],
    ['trainer_state.json', 'log_bad_json', /^not valid JSON at line 3: invalid character/, (t: string, f: string) => parseTrainerState(t, f)],
    ['base.json', 'baseline_bad_json', /^baseline is not valid JSON: invalid character/, (t: string, f: string) => parseBaseline(t, f)],
    ['sweep.json', 'sweep_invalid', /^not valid JSON: invalid character/, (t: string, f: string) => parseSweep(t, f)],
  ] as const)('%s: %s', (file, code, message, read) => {
    expect(() => read(BAD, file)).toThrow(expect.objectContaining({ code, issues: [expect.objectContaining({ source: `${file}:3`, message: expect.stringMatching(message) })] }));
  });
});
