/**
 * Reader for CSV logs with step / loss / grad-norm columns, including Lightning's
 * `CSVLogger` `metrics.csv`, whose rows are sparse (a training row and a validation row per
 * step, each leaving the other's columns empty). Rows are merged by step; extra columns
 * are ignored, except Lightning's per-layer `grad_<p>_norm/<name>` which become layerNorms.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { didYouMean } from '../did-you-mean.js';
import { foreignRecord, type ForeignStep } from './foreign.js';
import { parseNumberCell } from './number-text.js';
import { clipKnowledge, logError, type ColumnOptions, type LogOptions, type ParsedLog } from './types.js';

type Field = keyof ColumnOptions;

/** Column names tried, in order, when the option does not name one. */
export const DEFAULT_COLUMNS: Readonly<Record<Field, readonly string[]>> = {
  step: ['step', 'global_step', 'iteration', 'iter'],
  loss: ['loss', 'train_loss', 'train_loss_step', 'train/loss'],
  gradNorm: ['grad_norm', 'grad_2.0_norm_total', 'grad_norm_total', 'train/grad_norm', 'gradient_norm'],
  lr: ['lr', 'learning_rate', 'train/learning_rate'],
  valLoss: ['val_loss', 'eval_loss', 'valid_loss', 'val/loss', 'eval/loss'],
};
const LAYER_NORM = /^grad_[\d.]+_norm\/(.+)$/;

interface Row {
  readonly cells: readonly string[];
  readonly line: number;
}
type Partial = { -readonly [K in keyof ForeignStep]?: ForeignStep[K] } & { layerNorms?: Record<string, number> };

/** Parses a CSV log (tab-separated when the file name ends in .tsv). Throws exit-2 errors naming file:line for bad CSV, a missing column, a non-numeric cell or no usable row. */
export function parseCsvLog(text: string, file: string, options: LogOptions = {}): ParsedLog {
  const [header, ...rows] = readRows(text, file, file.toLowerCase().endsWith('.tsv') ? '\t' : ',');
  if (!header) throw logError('log_no_rows', { file }, 'the CSV file is empty', 'Expect a header row, then one row per step.');
  const names = header.cells.map((c) => c.trim());
  const col = resolveColumns(names, options.columns ?? {}, file);
  const notes: string[] = col.step === undefined ? ['no step column: steps are numbered by row order'] : [];
  const steps = new Map<number, Partial>();
  rows.forEach((row, i) => mergeRow(steps, row, i, { names, col, file }));
  const usable = [...steps.values()].filter((s): s is ForeignStep => s.loss !== undefined && s.gradNorm !== undefined);
  const partial = [...steps.values()].filter((s) => s.loss !== undefined && s.gradNorm === undefined).length;
  if (partial > 0) notes.push(`${partial} step(s) with a loss but no gradient norm were left out`);
  if (usable.length === 0) {
    throw logError('log_no_rows', { file }, `no row has both a loss (${names[col.loss]}) and a gradient norm (${names[col.gradNorm]})`, 'Log the loss and the gradient norm at the same step.');
  }
  usable.sort((a, b) => a.step - b.step);
  return { format: 'csv', records: usable.map((s) => foreignRecord(s, options.clipNorm)), clipping: clipKnowledge('csv', options), notes };
}

function readRows(text: string, file: string, delimiter: string): Row[] {
  try {
    const out = parse(text, { delimiter, bom: true, info: true, skip_empty_lines: true, relax_column_count_less: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return out.map((o) => ({ cells: o.record, line: o.info.lines }));
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const line = (e as CsvError & { lines?: number }).lines;
    throw logError('log_bad_csv', { file, ...(line ? { line } : {}) }, `not valid CSV: ${e.message}`, 'Check the quoting and the number of fields on that line.');
  }
}

interface Columns {
  readonly step?: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly lr?: number;
  readonly valLoss?: number;
  readonly layers: ReadonlyMap<number, string>;
}

/** How to name the column: the closest header to a name looked for first, then the flag (`--grad-norm-column`) and the option. */
function missingColumnHint(field: Field, wanted: readonly string[], names: readonly string[]): string {
  const close = wanted.map((w) => didYouMean(w, names)).find((n) => n !== undefined);
  const how = `Name the column with --${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-column (columns.${field}).`;
  return close === undefined ? how : `Did you mean \`${close}\`? ${how}`;
}

/** Finds each field's column index: the configured name, else the first default present (exact, then case-insensitive). */
function resolveColumns(names: readonly string[], opts: ColumnOptions, file: string): Columns {
  const find = (field: Field, required: boolean): number | undefined => {
    const wanted = opts[field] ? [opts[field]] : DEFAULT_COLUMNS[field];
    let idx = wanted.map((w) => names.indexOf(w)).find((i) => i >= 0);
    idx ??= wanted.map((w) => names.findIndex((n) => n.toLowerCase() === w.toLowerCase())).find((i) => i >= 0);
    if (idx === undefined && field === 'lr' && !opts.lr) idx = names.findIndex((n) => n.startsWith('lr-'));
    if ((idx === undefined || idx < 0) && (required || opts[field])) {
      throw logError('log_missing_column', { file, line: 1, path: field }, `no ${field} column: looked for ${wanted.join(', ')}; columns found: ${names.join(', ')}`, missingColumnHint(field, wanted, names));
    }
    return idx !== undefined && idx >= 0 ? idx : undefined;
  };
  const layers = new Map<number, string>();
  names.forEach((n, i) => {
    const m = LAYER_NORM.exec(n);
    if (m?.[1]) layers.set(i, m[1]);
  });
  const [step, lr, valLoss] = [find('step', false), find('lr', false), find('valLoss', false)];
  return { loss: find('loss', true) as number, gradNorm: find('gradNorm', true) as number, layers, ...{ step, lr, valLoss } };
}

interface MergeContext {
  readonly names: readonly string[];
  readonly col: Columns;
  readonly file: string;
}

/** Folds one row's non-empty cells into the entry for its step (later rows win on conflicts). */
function mergeRow(steps: Map<number, Partial>, row: Row, index: number, ctx: MergeContext): void {
  const cell = (i: number | undefined): number | undefined => {
    if (i === undefined) return undefined;
    const v = parseNumberCell(row.cells[i] ?? '');
    if (v === null) {
      throw logError('log_bad_value', { file: ctx.file, line: row.line, path: ctx.names[i] ?? '' }, `column ${ctx.names[i]} must be a number, received "${row.cells[i]}"`, 'Numbers may be written as 1.5, 1e-3, nan or inf.');
    }
    return v;
  };
  const step = ctx.col.step === undefined ? index : cell(ctx.col.step);
  if (step === undefined || !Number.isFinite(step)) return;
  const entry = steps.get(step) ?? { step };
  const set = <K extends 'loss' | 'gradNorm' | 'lr' | 'valLoss'>(key: K, i: number | undefined): void => {
    const v = cell(i);
    if (v !== undefined) entry[key] = v;
  };
  set('loss', ctx.col.loss);
  set('gradNorm', ctx.col.gradNorm);
  set('lr', ctx.col.lr);
  set('valLoss', ctx.col.valLoss);
  for (const [i, name] of ctx.col.layers) {
    const v = cell(i);
    if (v !== undefined) entry.layerNorms = { ...entry.layerNorms, [name]: v };
  }
  steps.set(step, entry);
}
