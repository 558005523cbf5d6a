/**
 * CSV data through a real CSV parser (csv-parse): a header row, then one sample per row;
 * quoted fields, embedded commas and newlines, CRLF and a UTF-8 BOM are handled.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { HostDataset } from './dataset.js';
import { dataError, tableToDataset, type TableOptions, type TableRow } from './table.js';

/**
 * Parses CSV `text` (read from `file`, used in messages only) into a dataset with
 * {@link tableToDataset}. Empty lines are skipped; header names are trimmed.
 *
 * Throws exit-2 errors naming `file:line` and the column: `data_bad_csv` (unbalanced
 * quotes, or a row whose field count differs from the header's, which csv-parse reports
 * with its line), `data_empty`, `data_missing_column`, `data_non_numeric`, `data_one_class`.
 *
 * @example
 * parseCsvData('a,b,y\n1,2,3\n4,5,6\n', 'data.csv', { task: 'regression', target: 'y' }).x; // [1, 2, 4, 5]
 */
export function parseCsvData(text: string, file: string, options: TableOptions): HostDataset {
  const [header, ...rows] = readRecords(text, file);
  if (!header) throw dataError('data_empty', file, undefined, '', 'the CSV file is empty', 'Add a header row naming the columns, then one row per sample.');
  return tableToDataset(header.cells.map((c) => String(c).trim()), rows, file, options);
}

function readRecords(text: string, file: string): TableRow[] {
  try {
    const out = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { bytes: number } }[];
    const lines = startLines(Buffer.from(text, 'utf8'), out.map((o) => o.info.bytes));
    return out.map((o, k) => ({ cells: o.record, line: lines[k]! }));
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const line = (e as CsvError & { lines?: number }).lines;
    const row = line !== undefined ? { cells: [], line } : undefined;
    throw dataError('data_bad_csv', file, row, '', `not valid CSV: ${e.message}`, 'Check the quoting and that every row has as many fields as the header.');
  }
}

/**
 * The line each record starts on, as an editor numbers it (1-based, counting LF): after the
 * previous record's end (`ends`: csv-parse's `info.bytes`, UTF-8 bytes with the BOM) and
 * the empty lines skipped before it. csv-parse's own `info.lines` is a record's *last*
 * line, and counts a CRLF inside quotes as two.
 */
function startLines(bytes: Uint8Array, ends: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const end of ends) {
    for (; pos < end && (bytes[pos] === 0x0a || bytes[pos] === 0x0d); pos++) if (bytes[pos] === 0x0a) line++;
    lines.push(line);
    for (; pos < end; pos++) if (bytes[pos] === 0x0a) line++;
  }
  return lines;
}
