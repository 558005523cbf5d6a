/**
 * Reader for gclip's own `steps.jsonl` (one `log/codec` line per step), validated against
 * the record schema. Fields the judgement needs (step, loss, preClipNorm) are required; the
 * others take the schema's defaults and unknown fields are kept, so logs from older gclip
 * load. Events of a kind this gclip does not know (a newer gclip's) are left out with a
 * note, so such logs load too.
 */
import { preview } from '../guard/shape.js';
import { decodeLine } from './codec.js';
import { EVENT_KINDS, storedRecordSchema, type StepRecord } from './schema.js';
import { logError, type ParsedLog } from './types.js';

const KNOWN_KINDS: ReadonlySet<unknown> = new Set(EVENT_KINDS);

/**
 * The text without a torn tail: a last line with no newline after it that is not valid
 * JSON was cut mid-write (a killed run, a full disk, a copy taken while the run goes).
 * Returns the kept text and a warning naming the file and line, or null when whole.
 */
export function dropTornTail(text: string, file: string): { text: string; warning: string | null } {
  if (text === '' || text.endsWith('\n')) return { text, warning: null };
  const cut = text.lastIndexOf('\n') + 1;
  const last = text.slice(cut);
  if (last.trim() === '') return { text, warning: null };
  try {
    decodeLine(last);
    return { text, warning: null };
  } catch {
    const line = text.slice(0, cut).split('\n').length;
    return { text: text.slice(0, cut), warning: `${file}: ignored line ${line}, cut mid-write (a torn last line)` };
  }
}

/**
 * Parses a gclip `steps.jsonl`. Blank lines are ignored; a torn last line is left out with
 * a note. Throws exit-2 errors naming file:line for any other malformed line.
 */
export function parseGclipJsonl(whole: string, file: string): ParsedLog {
  const records: StepRecord[] = [];
  const unknown = new Map<string, number>();
  const { text, warning } = dropTornTail(whole, file);
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    records.push(parseLine(dropUnknownEvents(decode(raw, file, i + 1), unknown), file, i + 1));
  });
  if (records.length === 0) {
    throw logError('log_no_rows', { file }, 'the log has no step records', 'Point --log at a steps.jsonl written by `gclip train`.');
  }
  const kinds = [...unknown].map(([kind, n]) => `${kind} (${n})`).join(', ');
  const notes = [...(warning ? [warning] : []), ...(kinds ? [`events of kinds this gclip does not know were left out: ${kinds}`] : [])];
  return { format: 'gclip', records, clipping: 'recorded', notes };
}

function decode(raw: string, file: string, line: number): unknown {
  try {
    return decodeLine(raw);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw logError('log_bad_json', { file, line }, `line ${line} is not valid JSON: ${detail}`, 'Each line must be one JSON object (a StepRecord).');
  }
}

/** The line without events whose `kind` is a string this gclip does not know, counted into `unknown` by kind. */
function dropUnknownEvents(decoded: unknown, unknown: Map<string, number>): unknown {
  const events = (decoded as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return decoded;
  const kept = events.filter((e: unknown) => {
    const kind = (e as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || KNOWN_KINDS.has(kind)) return true;
    unknown.set(kind, (unknown.get(kind) ?? 0) + 1);
    return false;
  });
  return kept.length === events.length ? decoded : { ...(decoded as object), events: kept };
}

function parseLine(decoded: unknown, file: string, line: number): StepRecord {
  const parsed = storedRecordSchema.safeParse(decoded);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  const received = issue?.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], decoded);
  const what = received === undefined ? 'is missing' : `is invalid (${issue?.message ?? 'invalid'}), received ${preview(received)}`;
  throw logError('log_bad_record', { file, line, path }, `line ${line}: ${path || 'record'} ${what}`, 'A step record needs numeric step, loss and preClipNorm.');
}
