import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withDetectedEvents } from '../detect/index.js';
import { batchText, compactNumbers } from './batch-text.js';
import { decodeLine, decodeRecord, encodeRecord } from './codec.js';
import { foreignRecord } from './foreign.js';
import { createOnsetTracker, momentRows } from './onset.js';
import { parseLog } from './read.js';
import { stepRecordSchema, type BlamedBatch, type StepRecord } from './schema.js';
import { summarizeRecords } from './summary.js';

const rec = (step: number, loss: number): StepRecord => foreignRecord({ step, loss, gradNorm: 1 });
const batch = (step: number, lines: number[]): BlamedBatch => ({ step, indices: lines.map((_, i) => i), file: 'd.csv', lines });

describe('compactNumbers and batchText', () => {
  it('sorts, merges runs into ranges and cuts long lists with the count left out', () => {
    expect(compactNumbers([5, 3, 4, 9, 1, 4])).toBe('1, 3–5, 9');
    // 12 parts shown 8 at a time: 20, 22, ..., 34 shown; 36, 38, 40, 42 left (4 numbers).
    expect(compactNumbers(Array.from({ length: 12 }, (_, i) => 20 + 2 * i))).toBe('20, 22, 24, 26, 28, 30, 32, 34, … +4 more');
    // A range counts all its numbers: the part 3–5 left out after max 1 part is 3 numbers.
    expect(compactNumbers([0, 1, 3, 4, 5], 1)).toBe('0–1, … +3 more');
  });

  it('names lines of a CSV, records of a JSON file, or training-split indices of a synthetic task', () => {
    expect(batchText(batch(8, [122, 10, 11]))).toBe('step 8: lines 10–11, 122 of d.csv (3 rows)');
    expect(batchText({ step: 2, indices: [4], file: 'd.json', records: [7] })).toBe('step 2: records 7 of d.json (1 row, 0-based)');
    expect(batchText({ step: 2, indices: [4, 0, 1] })).toBe('step 2: training-split indices 0–1, 4 (3 rows)');
  });
});

describe('batches in the step log', () => {
  it('round-trips and re-encodes a record with batches to the same bytes', () => {
    // Keys in the loop's order, batches last (after skipped), as the loop appends them.
    const r: StepRecord = {
      step: 9, loss: Number.NaN, preClipNorm: 2, postClipNorm: 2, clipCoef: 1, clipped: false, threshold: null,
      layerNorms: { a: 2 }, layerNormsPost: { a: 2 }, lr: 0.1, valLoss: null, wallMs: 1,
      events: [{ kind: 'nonfinite', step: 9, what: ['loss'], layer: null }], skipped: true,
      batches: [batch(9, [3, 4]), batch(8, [122])],
    };
    const line = encodeRecord(r);
    expect(decodeRecord(line)).toEqual(r);
    expect(encodeRecord(stepRecordSchema.parse(decodeLine(line)))).toBe(line);
  });

  it('loads a log written before the field: no batches, an onset without a batch, no bad-batch row', () => {
    const text = readFileSync('fixtures/runs/exploding-rnn/steps.jsonl', 'utf8');
    const { records } = parseLog(text, 'steps.jsonl');
    expect(records.some((r) => 'batches' in r)).toBe(false);
    const s = summarizeRecords(records);
    expect(s.onset).not.toBeNull();
    expect(s.onset).not.toHaveProperty('batch');
    expect(momentRows({ ...s, policyStep: null }).map(([k]) => k)).toEqual(['onset', 'first non-finite', 'policy acted']);
  });
});

describe('the onset\'s batch', () => {
  // loss 1 → 0.9 → 40 (departed, step 2) → NaN (nonfinite, step 3): the onset is step 2.
  const records = (): StepRecord[] => withDetectedEvents([rec(0, 1), rec(1, 0.9), rec(2, 40), rec(3, Number.NaN)]);

  it('is taken from the record that fixed the onset, and shown after the onset row', () => {
    const rs = records();
    rs[3] = { ...rs[3]!, batches: [batch(3, [7]), batch(2, [122, 5])] };
    const s = summarizeRecords(rs);
    expect(s.onset).toMatchObject({ step: 2, batch: batch(2, [122, 5]) });
    expect(momentRows({ ...s, policyStep: null })[1]).toEqual(['bad batch', 'step 2: lines 5, 122 of d.csv (2 rows)']);
  });

  it('onsetIf tells the loop, before the record is added, which onset it will fix', () => {
    const t = createOnsetTracker();
    const rs = records();
    for (const r of rs.slice(0, 3)) {
      expect(t.onsetIf(r)).toBeNull();
      t.add(r);
    }
    expect(t.onsetIf(rs[3]!)).toMatchObject({ step: 2, signal: 'loss' });
    // Peeking changed nothing: adding gives the same onset, and after it nothing more is fixed.
    t.add(rs[3]!);
    expect(t.onset()).toMatchObject({ step: 2, signal: 'loss' });
    expect(t.onsetIf(rs[3]!)).toBeNull();
  });
});
