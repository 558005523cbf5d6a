/**
 * `--skip-rows FILE` (`data.skipRows`): rows of a data file to leave out of a run, named by
 * their place in the file, the way a bad batch names them (`bad-rows.txt` in a run
 * directory). The format: one number per line, CSV line numbers (1-based, the header is
 * line 1) or JSON record indices (0-based); `#` starts a comment; blank lines are ignored.
 */
import { inputError, type GclipError } from '../errors.js';

/** One number of a skip file and the skip-file line it is on (for messages). */
export interface SkipEntry {
  readonly at: number;
  readonly line: number;
}

/** A parsed skip file. */
export interface SkipRows {
  /** The skip file, as given (`--skip-rows` or `data.skipRows`). */
  readonly file: string;
  readonly entries: readonly SkipEntry[];
}

function skipError(code: GclipError['code'], source: string, message: string, hint: string): GclipError {
  return inputError(code, { path: 'data.skipRows', message, hint, source });
}

/**
 * Parses a skip file. Throws `skip_rows_bad` (exit 2) at `file:line` for a line that is
 * not a non-negative integer after its comment is removed.
 *
 * @example
 * parseSkipRows('# bad rows\n120\n\n121  # and this one\n', 'bad-rows.txt').entries; // [{ at: 120, line: 2 }, { at: 121, line: 4 }]
 */
export function parseSkipRows(text: string, file: string): SkipRows {
  const entries: SkipEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const value = raw.replace(/#.*$/, '').trim();
    if (value === '') return;
    if (!/^\d+$/.test(value)) {
      throw skipError('skip_rows_bad', `${file}:${i + 1}`, `expected one row number per line, received ${JSON.stringify(value.slice(0, 40))}`, 'Write one CSV line number (or JSON record index) per line; start comments with #.');
    }
    entries.push({ at: Number(value), line: i + 1 });
  });
  return { file, entries };
}

/** What a row knows of its place in the file (a `TableRow` has both fields). */
export interface PlacedRow {
  /** CSV: the 1-based line the row starts on. */
  readonly line?: number;
  /** JSON: the 0-based record index. */
  readonly record?: number;
}

/** A row's place in its file: its CSV line or its JSON record index. */
export function rowPosition(row: PlacedRow): number {
  return row.line ?? row.record ?? -1;
}

/**
 * `rows` without those `skip` names. Every number must name a data row of `dataFile`
 * (a CSV line a record starts on, or an existing JSON record index), else
 * `skip_rows_unknown` (exit 2) at the skip file's line: a skip file made for another file
 * or an edited file must not silently train on the wrong rows. Skipping every row is
 * `data_empty` (exit 2).
 */
export function dropSkipped<R extends PlacedRow>(rows: readonly R[], skip: SkipRows, dataFile: string): R[] {
  const positions = new Set(rows.map(rowPosition));
  const unit = rows[0]?.line !== undefined ? 'line' : 'record';
  for (const e of skip.entries) {
    if (positions.has(e.at)) continue;
    const span = rows.length ? ` (its data rows are ${unit}s ${rowPosition(rows[0]!)}–${rowPosition(rows[rows.length - 1]!)})` : '';
    throw skipError('skip_rows_unknown', `${skip.file}:${e.line}`, `${unit} ${e.at} is not a data row of ${dataFile}${span}`, `Remove it from ${skip.file}, or pass the skip file written for this data file.`);
  }
  const dropped = new Set(skip.entries.map((e) => e.at));
  const kept = rows.filter((r) => !dropped.has(rowPosition(r)));
  if (kept.length === 0 && rows.length > 0) {
    throw inputError('data_empty', { path: 'data.skipRows', message: `${skip.file} lists every data row of ${dataFile}`, hint: 'Skip fewer rows: a run needs at least one.', source: skip.file });
  }
  return kept;
}
