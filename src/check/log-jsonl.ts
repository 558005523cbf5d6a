/**
 * Reader for gclip's own `steps.jsonl` (one `report/codec` line per step). Fields the
 * judgement needs (step, loss, preClipNorm) are required; the others default as for a
 * foreign record, and unknown fields are kept, so logs from older or newer gclip load.
 */
import { z } from 'zod';
import { preview } from '../guard/shape.js';
import type { StepRecord } from '../record.js';
import { decodeRecord } from '../report/codec.js';
import { logError, type ParsedLog } from './log-common.js';

/** Numbers after decoding: finite or NaN/±Infinity (decoded from their string names). */
const num = z.number().or(z.nan()).or(z.literal(Infinity)).or(z.literal(-Infinity));

const layer = z.string().nullable().default(null);
const KNOWN_EVENTS: readonly unknown[] = ['nonfinite', 'spike', 'divergence'];

/** A recorded event: the three kinds gclip writes, each with the numbers its description needs. */
const eventSchema = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('nonfinite'), step: z.number(), what: z.array(z.enum(['loss', 'grad_norm', 'weights'])), layer }),
  z.looseObject({ kind: z.literal('spike'), step: z.number(), preClipNorm: num, median: num, z: num, layer }),
  z.looseObject({ kind: z.literal('divergence'), step: z.number(), since: z.number(), loss: num, bestLoss: num, factor: num, layer }),
]);

/** An event of a kind this version does not know (a newer gclip's) becomes null and is left out. */
const unknownKindToNull = (v: unknown): unknown =>
  Array.isArray(v) ? v.map((e) => (typeof e === 'object' && e !== null && typeof (e as { kind?: unknown }).kind === 'string' && !KNOWN_EVENTS.includes((e as { kind: string }).kind) ? null : e)) : v;

const lineSchema = z.looseObject({
  step: z.number().int(),
  loss: num,
  preClipNorm: num,
  postClipNorm: num.optional(),
  clipCoef: num.default(1),
  clipped: z.boolean().default(false),
  threshold: num.nullable().default(null),
  layerNorms: z.record(z.string(), num).default({}),
  layerNormsPost: z.record(z.string(), num).default({}),
  lr: num.default(Number.NaN),
  valLoss: num.nullable().default(null),
  events: z.preprocess(unknownKindToNull, z.array(eventSchema.nullable())).default([]).transform((es) => es.filter((e) => e !== null)),
  skipped: z.boolean().default(false),
  wallMs: num.default(0),
});

/** Parses a gclip `steps.jsonl`. Blank lines are ignored. Throws exit-2 errors naming file:line. */
export function parseGclipJsonl(text: string, file: string): ParsedLog {
  const records: StepRecord[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    records.push(parseLine(raw, file, i + 1));
  });
  if (records.length === 0) {
    throw logError('log_no_rows', { file }, 'the log has no step records', 'Point --log at a steps.jsonl written by `gclip train`.');
  }
  return { format: 'gclip', records, notes: [] };
}

function parseLine(raw: string, file: string, line: number): StepRecord {
  let decoded: unknown;
  try {
    decoded = decodeRecord(raw);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw logError('log_bad_json', { file, line }, `line ${line} is not valid JSON: ${detail}`, 'Each line must be one JSON object (a StepRecord).');
  }
  const parsed = lineSchema.safeParse(decoded);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const received = issue?.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], decoded);
    const what = received === undefined ? 'is missing' : `is invalid (${issue?.message ?? 'invalid'}), received ${preview(received)}`;
    throw logError('log_bad_record', { file, line, path }, `line ${line}: ${path || 'record'} ${what}`, 'A step record needs numeric step, loss and preClipNorm.');
  }
  const r = parsed.data;
  return { ...r, postClipNorm: r.postClipNorm ?? r.preClipNorm } as unknown as StepRecord;
}
