import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeLine, decodeRecord, encodeRecord } from './codec.js';
import { parseLog } from './read.js';
import { EVENT_KINDS, stepRecordSchema, type StepRecord } from './schema.js';

/** Every field set, in the loop's key order, with a non-finite value wherever a number may be one. */
const full: StepRecord = {
  step: 7,
  loss: Number.NaN,
  preClipNorm: Infinity,
  postClipNorm: -Infinity,
  clipCoef: Number.NaN,
  clipped: true,
  threshold: Infinity,
  layerNorms: { dense: Number.NaN, 'rnn/kernel': 2.5 },
  layerNormsPost: { dense: -Infinity, 'rnn/kernel': 1 },
  lr: Number.NaN,
  valLoss: Infinity,
  wallMs: 12.5,
  events: [
    { kind: 'nonfinite', step: 7, what: ['loss', 'grad_norm', 'weights'], layer: 'dense' },
    { kind: 'spike', step: 7, preClipNorm: Infinity, median: 1.5, z: Number.NaN, layer: null },
    { kind: 'divergence', step: 7, since: 4, loss: Infinity, bestLoss: 0.25, factor: Infinity, layer: 'rnn/kernel' },
    { kind: 'updateRatio', step: 7, ratio: Infinity, median: Number.NaN, z: 40, layer: 'dense', ceiling: true },
  ],
  skipped: true,
  updateNorm: Number.NaN,
  layerUpdateNorms: { dense: Infinity, 'rnn/kernel': 0.5 },
  layerUpdateRatios: { dense: Infinity, 'rnn/kernel': 1e-3 },
};

describe('the step record schema', () => {
  it('round-trips every field through the codec, non-finite numbers included', () => {
    const line = encodeRecord(full);
    expect(line).toContain('"loss":"NaN"');
    expect(line).toContain('"postClipNorm":"-Infinity"');
    expect(decodeRecord(line)).toEqual(full);
  });

  it('accepts what the loop writes and re-encodes a decoded line to the same bytes', () => {
    const line = encodeRecord(full);
    expect(encodeRecord(stepRecordSchema.parse(decodeLine(line)))).toBe(line);
  });

  it('knows the five detector event kinds, the rollback record and the injected fault', () => {
    expect(EVENT_KINDS).toEqual(['nonfinite', 'spike', 'divergence', 'updateRatio', 'lossSpike', 'rollback', 'injected']);
  });

  it('reads a lossSpike event back to the same bytes', () => {
    const events = [{ kind: 'lossSpike', step: 41, loss: 0.767, median: 0.0269, factor: 28.5, layer: 'head' }];
    const line = encodeRecord({ ...stepRecordSchema.parse({ step: 41, loss: 0.767, preClipNorm: 2, postClipNorm: 2 }), events } as never);
    expect(encodeRecord(stepRecordSchema.parse(decodeLine(line)))).toBe(line);
  });

  it('reads an injected event back to the same bytes, with and without its optional factor', () => {
    const injected = [
      { kind: 'injected', step: 3, fault: 'nan', layer: null },
      { kind: 'injected', step: 3, fault: 'spike', factor: 100, layer: 'dense_1' },
    ];
    const line = encodeRecord({ ...stepRecordSchema.parse({ step: 3, loss: 1, preClipNorm: 2, postClipNorm: 2 }), events: injected } as never);
    expect(encodeRecord(stepRecordSchema.parse(decodeLine(line)))).toBe(line);
  });

  it('fills the fields an older log lacks with their defaults', () => {
    const r = decodeRecord('{"step":3,"loss":0.5,"preClipNorm":2,"events":[{"kind":"divergence","step":3,"loss":9,"bestLoss":0.5,"factor":18},{"kind":"spike","step":3,"preClipNorm":2,"median":1,"z":12}]}');
    expect(r).toEqual({
      step: 3, loss: 0.5, preClipNorm: 2, postClipNorm: 2, clipCoef: 1, clipped: false, threshold: null,
      layerNorms: {}, layerNormsPost: {}, lr: Number.NaN, valLoss: null, wallMs: 0, skipped: false,
      // Before `since` and `layer`: the streak is dated at the firing step, the layer unknown.
      events: [
        { kind: 'divergence', step: 3, since: 3, loss: 9, bestLoss: 0.5, factor: 18, layer: null },
        { kind: 'spike', step: 3, preClipNorm: 2, median: 1, z: 12, layer: null },
      ],
    });
    // Logs before the update telemetry have none: the fields stay absent, not zero.
    for (const key of ['updateNorm', 'layerUpdateNorms', 'layerUpdateRatios']) expect(r).not.toHaveProperty(key);
  });

  it('loads a run directory written before divergence events named their layer', () => {
    const text = readFileSync('fixtures/runs/exploding-rnn/steps.jsonl', 'utf8');
    const { records, notes } = parseLog(text, 'steps.jsonl');
    const divergence = records.flatMap((r) => r.events).find((e) => e.kind === 'divergence');
    expect(divergence).toMatchObject({ kind: 'divergence', since: 10, layer: null });
    expect(records).toHaveLength(text.trim().split('\n').length);
    expect(notes).toEqual([]);
  });

  it('keeps fields it does not know when reading, and drops them when parsing a record', () => {
    const line = JSON.stringify({ step: 1, loss: 1, preClipNorm: 1, gpuMs: 3 });
    expect(decodeRecord(line)).toMatchObject({ gpuMs: 3 });
    expect(stepRecordSchema.parse(JSON.parse(line))).not.toHaveProperty('gpuMs');
  });

  it('rejects an event of a known kind with a missing field, naming the field', () => {
    expect(() => decodeRecord('{"step":1,"loss":1,"preClipNorm":1,"events":[{"kind":"spike","step":1}]}')).toThrow(/preClipNorm/);
  });
});

describe('events of a kind this gclip does not know', () => {
  it('are left out of the records, with a note naming the kinds', () => {
    const lines = [
      { step: 1, loss: 1, preClipNorm: 1, events: [{ kind: 'plateau', step: 1 }, { kind: 'spike', step: 1, preClipNorm: 1, median: 1, z: 9, layer: null }] },
      { step: 2, loss: 1, preClipNorm: 1, events: [{ kind: 'plateau', step: 2 }] },
    ];
    const { records, notes } = parseLog(lines.map((l) => JSON.stringify(l)).join('\n'), 'steps.jsonl');
    expect(records.map((r) => r.events.map((e) => e.kind))).toEqual([['spike'], []]);
    expect(notes).toEqual(['events of kinds this gclip does not know were left out: plateau (2)']);
  });
});
