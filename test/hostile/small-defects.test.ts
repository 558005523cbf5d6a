/**
 * Inputs that were accepted silently or rendered badly: a CSV header naming a column twice,
 * the target listed as a feature, and a recorded spike event without its numbers.
 */
import { describe, expect, it } from 'vitest';
import { parseGclipJsonl } from '../../src/log/jsonl.js';
import { parseCsvData } from '../../src/data/csv.js';
import { parseJsonData } from '../../src/data/json.js';
import { isGclipError, type GclipError } from '../../src/errors.js';

function thrown(fn: () => unknown): GclipError {
  try {
    fn();
  } catch (e) {
    if (isGclipError(e)) return e;
    throw e;
  }
  throw new Error('expected a GclipError');
}

describe('data columns', () => {
  it('refuses a header that names a column twice, with both positions', () => {
    const e = thrown(() => parseCsvData('price,rooms,price\n1,2,3\n', 'h.csv', { task: 'regression', target: 'price' }));
    expect([e.code, e.exitCode, e.issues[0]!.source, e.issues[0]!.path]).toEqual(['data_duplicate_column', 2, 'h.csv:1', 'price']);
    expect(e.issues[0]!.message).toBe("column 'price' appears twice in the header, as columns 1 and 3");
  });

  it('refuses the target as a feature (--features price --target price)', () => {
    const csv = 'price,rooms\n1,2\n3,4\n';
    const e = thrown(() => parseCsvData(csv, 'h.csv', { task: 'regression', target: 'price', features: ['price'] }));
    expect([e.code, e.exitCode, e.issues[0]!.path]).toEqual(['data_target_in_features', 2, 'data.features']);
    const j = thrown(() => parseJsonData('[{"a":1,"y":2},{"a":2,"y":3}]', 'd.json', { task: 'regression', target: 'y', features: ['a', 'y'] }));
    expect(j.code).toBe('data_target_in_features');
  });
});

describe('recorded events in steps.jsonl', () => {
  const line = (event: object) => JSON.stringify({ step: 3, loss: 1, preClipNorm: 2, events: [event] });

  it('refuses a spike event without its norm, naming the line and field (no "norm undefined" later)', () => {
    const e = thrown(() => parseGclipJsonl(`${line({ kind: 'spike', step: 3 })}\n`, 'steps.jsonl'));
    expect([e.code, e.exitCode, e.issues[0]!.source, e.issues[0]!.path]).toEqual(['log_bad_record', 2, 'steps.jsonl:1', 'events.0.preClipNorm']);
  });

  it('keeps complete events and leaves out kinds this version does not know', () => {
    const spike = { kind: 'spike', step: 3, preClipNorm: 9, median: 1, z: 12 };
    // 'rollback' is a kind this version writes (and checks); 'warmup' stands for a newer gclip's.
    const { records, notes } = parseGclipJsonl(`${line(spike)}\n${line({ kind: 'warmup', step: 3 })}\n`, 'steps.jsonl');
    expect(records.map((r) => r.events)).toEqual([[{ ...spike, layer: null }], []]);
    expect(notes).toEqual(['events of kinds this gclip does not know were left out: warmup (1)']);
  });
});
