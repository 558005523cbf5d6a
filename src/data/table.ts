/**
 * Turns rows of named cells (from CSV or JSON) into a {@link HostDataset}: picks the
 * feature and target columns, parses numbers, one-hot encodes a classification target.
 * Every error is bad input (exit 2) naming the file, the line and the column.
 */
import { didYouMean } from '../did-you-mean.js';
import { inputError, type ErrorCode, type GclipError } from '../errors.js';
import { preview } from '../guard/shape.js';
import type { HostDataset, SampleOrigin, Task } from './dataset.js';
import { dropSkipped, rowPosition, type SkipRows } from './skip-rows.js';

/** Which columns to use and how to read the target. */
export interface TableOptions {
  readonly task: Task;
  /** Target column name. */
  readonly target: string;
  /**
   * Feature column names, in order; default every column except the target and text
   * columns (most non-empty cells non-numeric: left out and listed in `droppedColumns`).
   * A mostly numeric column keeps strict parsing, so a typo in one cell is still an error.
   */
  readonly features?: readonly string[];
  /** Rows to leave out, by CSV line or JSON record index (`--skip-rows`); checked against the file's rows. */
  readonly skip?: SkipRows;
}

/** One data row: its cells in header order and where it came from. */
export interface TableRow {
  readonly cells: readonly unknown[];
  /** 1-based line in the file (CSV) the row starts on, when known. */
  readonly line?: number;
  /** Path of the row in the document (JSON: `[3]`), when there are no lines. */
  readonly at?: string;
  /** 0-based index of the record in the document (JSON), when there are no lines. */
  readonly record?: number;
}

/**
 * Cell texts read as a missing value (pandas' default `na_values`, the common ones).
 * Rows with a missing value in a used column are dropped and counted, not fatal.
 */
const MISSING = new Set(['', 'na', 'n/a', '#n/a', 'nan', '-nan', 'null', 'none', '<na>']);

/** True when a cell holds no value (empty, or one of the usual missing-value markers). */
export function isMissing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  return typeof value === 'string' && MISSING.has(value.trim().toLowerCase());
}

/** Where a cell is: `file:line` or `file` plus a JSON path, and the column. */
function where(file: string, row: TableRow | undefined, column: string): { source: string; path: string } {
  if (row?.line !== undefined) return { source: `${file}:${row.line}`, path: column };
  const at = row?.at;
  return { source: file, path: at === undefined ? column : column ? `${at}.${column}` : at };
}

/** A bad-input error about one cell or column of a data file. */
export function dataError(code: ErrorCode, file: string, row: TableRow | undefined, column: string, message: string, hint: string): GclipError {
  return inputError(code, { ...where(file, row, column), message, hint });
}

function columnIndex(header: readonly string[], name: string, file: string, role: string): number {
  const i = header.indexOf(name);
  if (i >= 0) return i;
  const flag = `--${role === 'target' ? 'target' : 'features'}`;
  const near = didYouMean(name, header);
  const hint = near === undefined ? `Name an existing column with ${flag}.` : `Did you mean '${near}'? Name an existing column with ${flag}.`;
  throw dataError('data_missing_column', file, { cells: [], line: 1 }, name, `no ${role} column '${name}'; columns found: ${header.join(', ')}`, hint);
}

/**
 * Parses a numeric cell: a finite JS number, or a string that `Number()` reads as finite
 * after trimming. Empty cells, NaN, ±Infinity and text are errors naming line and column.
 */
export function numericCell(value: unknown, file: string, row: TableRow, column: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : Number.NaN;
  if (Number.isFinite(n)) return n;
  const shown = value === undefined || value === null || value === '' ? 'an empty cell' : preview(value);
  const at = row.line !== undefined ? `line ${row.line}, column '${column}'` : `${row.at ?? ''}.${column}`;
  throw dataError('data_non_numeric', file, row, column, `expected a finite number at ${at}, received ${shown}`, 'Fix or remove that row, or leave the column out of --features.');
}

/**
 * Builds a dataset from a header and rows. Features are numeric. A regression target is
 * numeric (outputDim 1); a classification target is categorical: its distinct values,
 * sorted (numerically when all are numbers, else as strings), become the classes, and y
 * is one-hot. Throws exit-2 errors: `data_duplicate_column` (a name twice in the header),
 * `data_target_in_features`, `data_empty` (no rows), `data_missing_column`,
 * `data_non_numeric`, `data_one_class` (a classification target with a single value).
 */
export function tableToDataset(header: readonly string[], allRows: readonly TableRow[], file: string, options: TableOptions): HostDataset {
  let rows = options.skip ? dropSkipped(allRows, options.skip, file) : allRows;
  checkColumns(header, file, options);
  if (rows.length === 0) throw dataError('data_empty', file, undefined, '', 'the file has no data rows', 'Add a header row and at least one data row.');
  const targetCol = columnIndex(header, options.target, file, 'target');
  const candidates = options.features ?? header.filter((h) => h !== options.target);
  const dropped = options.features ? [] : candidates.filter((h) => isTextColumn(rows, header.indexOf(h)));
  const featureNames = candidates.filter((h) => !dropped.includes(h));
  if (featureNames.length === 0) {
    throw dataError('data_no_features', file, { cells: [], line: 1 }, '', `no numeric feature columns besides the target '${options.target}' (left out: ${dropped.join(', ') || 'none'})`, 'Name numeric feature columns with --features, or encode text columns as numbers.');
  }
  const featureCols = featureNames.map((f) => columnIndex(header, f, file, 'feature'));
  const used = [...featureCols, targetCol];
  const complete = rows.filter((row) => used.every((c) => !isMissing(row.cells[c])));
  if (complete.length === 0) {
    throw dataError('data_empty', file, undefined, '', `every row has a missing value in the columns used (${[...featureNames, options.target].join(', ')})`, 'Fill the missing values, or leave the emptiest columns out of --features.');
  }
  const missing = missingCounts(rows, used.map((c) => header[c]!), used);
  rows = complete;
  const d = featureCols.length;
  const x = new Float32Array(rows.length * d);
  rows.forEach((row, r) => featureCols.forEach((c, j) => (x[r * d + j] = numericCell(row.cells[c], file, row, featureNames[j]!))));
  const base = {
    x,
    inputShape: [d],
    samples: rows.length,
    featureNames,
    ...(dropped.length ? { droppedColumns: dropped } : {}),
    ...(missing.rows > 0 ? { droppedRows: missing } : {}),
    origin: originOf(rows, file, options.skip),
  };
  if (options.task === 'regression') {
    const y = Float32Array.from(rows, (row) => numericCell(row.cells[targetCol], file, row, options.target));
    return { task: 'regression', y, outputDim: 1, ...base };
  }
  const { y, classNames } = oneHot(rows, targetCol, file, options.target);
  return { task: 'classification', y, outputDim: classNames.length, classNames, ...base };
}

/** Where each kept row came from: its CSV line, or its JSON record index. */
function originOf(rows: readonly TableRow[], file: string, skip: SkipRows | undefined): SampleOrigin {
  const origin = { file, unit: rows[0]?.line !== undefined ? 'line' : 'record', at: Int32Array.from(rows, rowPosition) } as const;
  return skip?.entries.length ? { ...origin, skipped: [...new Set(skip.entries.map((e) => e.at))].sort((a, b) => a - b) } : origin;
}

/**
 * Refuses a header naming one column twice (which of the two would be used is a guess) and
 * a target that is also a feature (the model would read its own answer).
 */
function checkColumns(header: readonly string[], file: string, options: TableOptions): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw dataError('data_duplicate_column', file, { cells: [], line: 1 }, name, `column '${name}' appears twice in the header, as columns ${first + 1} and ${i + 1}`, 'Rename one of the two columns so every column name is unique.');
    }
    seen.set(name, i);
  });
  if (options.features?.includes(options.target)) {
    throw inputError('data_target_in_features', { path: 'data.features', message: `the target column '${options.target}' is also listed as a feature`, hint: `Leave '${options.target}' out of --features (data.features), or choose another --target.`, source: file });
  }
}

/** How many rows have a missing value in the used columns, and how many per column. */
function missingCounts(rows: readonly TableRow[], names: readonly string[], cols: readonly number[]): { rows: number; byColumn: Record<string, number> } {
  const byColumn: Record<string, number> = {};
  let count = 0;
  for (const row of rows) {
    const gaps = cols.filter((c) => isMissing(row.cells[c]));
    if (gaps.length === 0) continue;
    count++;
    for (const c of gaps) byColumn[names[cols.indexOf(c)]!] = (byColumn[names[cols.indexOf(c)]!] ?? 0) + 1;
  }
  return { rows: count, byColumn };
}

/** True when more than half of the non-empty cells of column `col` are not numbers. */
function isTextColumn(rows: readonly TableRow[], col: number): boolean {
  let text = 0;
  let filled = 0;
  for (const row of rows) {
    const v = row.cells[col];
    if (isMissing(v)) continue;
    filled++;
    if (typeof v !== 'number' && Number.isNaN(Number(String(v).trim()))) text++;
  }
  return text * 2 > filled;
}

function oneHot(rows: readonly TableRow[], col: number, file: string, name: string): { y: Float32Array; classNames: string[] } {
  const labels = rows.map((row) => {
    const v = row.cells[col];
    if (v === undefined || v === null || String(v).trim() === '') numericCell(v, file, row, name);
    return String(v).trim();
  });
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((l) => Number.isFinite(Number(l)));
  const classNames = distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (classNames.length < 2) {
    throw dataError('data_one_class', file, undefined, name, `the target column '${name}' has a single value (${classNames[0]})`, 'Classification needs at least two classes; use task regression or another target.');
  }
  const index = new Map(classNames.map((c, i) => [c, i]));
  const y = new Float32Array(rows.length * classNames.length);
  labels.forEach((l, r) => (y[r * classNames.length + index.get(l)!] = 1));
  return { y, classNames };
}
