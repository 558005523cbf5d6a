/**
 * Reader for Hugging Face `trainer_state.json`. Its `log_history` interleaves training
 * entries (`loss`, `grad_norm`, `learning_rate`, `epoch`, `step`) with evaluation entries
 * (`eval_loss`, `eval_runtime`, ...) and a closing summary (`train_loss`, `train_runtime`).
 * Training entries become records; `eval_loss` at the same step becomes their valLoss;
 * everything else, and any extra field, is ignored. Python's `json.dump` writes bare
 * `NaN`/`Infinity`, which JSON5 reads (plain JSON.parse would refuse them).
 */
import { preview } from '../guard/shape.js';
import { foreignRecord, type ForeignStep } from './foreign.js';
import { parseJson5 } from './json5.js';
import { clipKnowledge, logError, type LogOptions, type ParsedLog } from './types.js';

type Entry = Readonly<Record<string, unknown>>;

/** Parses a trainer_state.json. Throws exit-2 errors naming file:line. */
export function parseTrainerState(text: string, file: string, options: LogOptions = {}): ParsedLog {
  const history = readHistory(text, file);
  const evalLoss = new Map<number, number>();
  for (const e of history) if (typeof e.eval_loss === 'number' && typeof e.step === 'number') evalLoss.set(e.step, e.eval_loss);
  const training = history.map((e, i) => ({ e, i })).filter(({ e }) => 'loss' in e);
  if (training.length === 0) {
    throw logError('log_no_rows', { file, path: 'log_history' }, `log_history has ${history.length} entries but none with a training loss`, 'Log training metrics (logging_steps) so that entries carry "loss" and "grad_norm".');
  }
  const steps = training.flatMap(({ e, i }) => trainingStep(e, i, evalLoss, { text, file }));
  if (steps.length === 0) {
    const found = [...new Set(training.flatMap(({ e }) => Object.keys(e)))].join(', ');
    throw logError('log_missing_column', { file, line: entryLine(text, training[0]?.i ?? 0), path: 'grad_norm' }, `no training entry has grad_norm; fields found: ${found}`, 'grad_norm is logged by transformers ≥ 4.38; upgrade, or export the norms to a CSV.');
  }
  const notes = steps.length < training.length ? [`${training.length - steps.length} training entry(ies) without a grad_norm were left out`] : [];
  return { format: 'hf', records: steps.map((s) => foreignRecord(s, options.clipNorm)), clipping: clipKnowledge('hf', options), notes };
}

/** The step of training entry `e` (index `i`), or none when it has no grad_norm. */
function trainingStep(e: Entry, i: number, evalLoss: ReadonlyMap<number, number>, ctx: { text: string; file: string }): ForeignStep[] {
  // DeepSpeed runs and some versions log grad_norm as null: no norm for that entry.
  if (e.grad_norm === undefined || e.grad_norm === null) return [];
  const step = field(e, 'step', i, ctx);
  return [{
    step,
    loss: field(e, 'loss', i, ctx),
    gradNorm: field(e, 'grad_norm', i, ctx),
    ...(typeof e.learning_rate === 'number' ? { lr: e.learning_rate } : {}),
    ...(evalLoss.has(step) ? { valLoss: evalLoss.get(step) } : {}),
  }];
}

function readHistory(text: string, file: string): Entry[] {
  const doc = parseJson5(text, ({ reason, line }) =>
    logError('log_bad_json', { file, line }, `not valid JSON${line ? ` at line ${line}` : ''}: ${reason}`, 'trainer_state.json is written by transformers.Trainer; check the file is complete.'),
  );
  const history = (doc as { log_history?: unknown } | null)?.log_history;
  if (!Array.isArray(history)) {
    throw logError('log_bad_format', { file, path: 'log_history' }, 'expected a trainer_state.json object with a log_history array', 'Pass the trainer_state.json from a checkpoint directory, or set the log format.');
  }
  return history.filter((e): e is Entry => typeof e === 'object' && e !== null && !Array.isArray(e));
}

/** A required numeric field of entry `index`; `step` must be an integer. */
function field(e: Entry, key: string, index: number, ctx: { text: string; file: string }): number {
  const v = e[key];
  if (typeof v === 'number' && (key !== 'step' || Number.isInteger(v))) return v;
  const expected = key === 'step' ? 'an integer' : 'a number';
  throw logError('log_bad_value', { file: ctx.file, line: entryLine(ctx.text, index, key), path: `log_history[${index}].${key}` }, `log_history[${index}].${key} must be ${expected}, received ${preview(v)}`, 'Each training entry needs numeric step, loss and grad_norm.');
}

/**
 * 1-based line of element `index` of the `log_history` array: the line of its `key` when
 * given and present in that element, else the line where the element starts. Found by a
 * scan that tracks strings and nesting (JSON5 reports no positions for values); used for
 * errors only.
 */
export function entryLine(text: string, index: number, key?: string): number | undefined {
  const start = entryOffset(text, index);
  if (start === undefined) return undefined;
  const end = entryOffset(text, index + 1) ?? text.length;
  const at = key === undefined ? -1 : text.indexOf(`"${key}"`, start);
  const pos = at >= 0 && at < end ? at : start;
  return text.slice(0, pos).split('\n').length;
}

/** Offset of the `{` or `[` that opens element `index` of `log_history`, or undefined. */
function entryOffset(text: string, index: number): number | undefined {
  const key = text.indexOf('"log_history"');
  let pos = key < 0 ? -1 : text.indexOf('[', key);
  if (pos < 0) return undefined;
  let depth = 0;
  let seen = -1;
  let inString = false;
  for (pos += 1; pos < text.length; pos++) {
    const c = text[pos];
    if (inString) {
      if (c === '\\') pos++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0 && ++seen === index) return pos;
      depth++;
    } else if (c === '}' || c === ']') {
      if (depth-- === 0) return undefined;
    }
  }
  return undefined;
}
