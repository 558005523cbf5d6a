/**
 * JSON data in either of two shapes: an array of objects (one per sample, keys are
 * columns) or `{ "x": number[][], "y": [...] }`.
 */
import { checkNesting } from '../guard/shape.js';
import type { HostDataset } from './dataset.js';
import { dataError, tableToDataset, type TableOptions, type TableRow } from './table.js';
import { isRecord } from '../config/field-path.js';

/** Options for JSON data; `target` names the label key for the array-of-objects shape. */
export type JsonDataOptions = Omit<TableOptions, 'target'> & { readonly target?: string };

const SHAPE_HINT = 'Use an array of objects ([{"a": 1, "y": 2}, ...]) or {"x": [[...], ...], "y": [...]}.';

/**
 * Parses JSON `text` (from `file`) into a dataset.
 * - Array of objects: columns are the first object's keys; `target` is required; then as
 *   {@link tableToDataset}. Rows are located as `[i]`.
 * - `{ x, y }`: x is an array of equal-length number arrays (feature names f0, f1, ...);
 *   y has one entry per row: a number (regression), or a label (classification, one-hot
 *   encoded as for CSV). Rows are located as `x[i]` / `y[i]`.
 *
 * Throws exit-2 errors: `data_bad_json` (syntax error, with the parser's position),
 * `data_bad_shape` (neither shape, ragged x, |x| ≠ |y|), and those of tableToDataset.
 */
export function parseJsonData(text: string, file: string, options: JsonDataOptions): HostDataset {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw dataError('data_bad_json', file, undefined, '', `not valid JSON: ${(e as Error).message}`, SHAPE_HINT);
  }
  checkNesting(doc, file, 'data file');
  if (Array.isArray(doc)) return fromObjects(doc, file, options);
  if (isRecord(doc) && Array.isArray(doc.x) && Array.isArray(doc.y)) return fromXY(doc.x, doc.y, file, options);
  throw dataError('data_bad_shape', file, undefined, '', `expected an array of objects or {"x", "y"}, received ${describe(doc)}`, SHAPE_HINT);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (isRecord(v)) return `an object with keys ${Object.keys(v).join(', ') || '(none)'}`;
  return v === null ? 'null' : typeof v;
}

function fromObjects(items: unknown[], file: string, options: JsonDataOptions): HostDataset {
  if (!options.target) throw dataError('data_missing_column', file, undefined, 'target', 'an array of objects needs a target key', 'Name it with --target.');
  const first = items[0];
  const header = isRecord(first) ? Object.keys(first) : [];
  const rows: TableRow[] = items.map((item, i) => {
    if (!isRecord(item)) throw dataError('data_bad_shape', file, { cells: [], at: `[${i}]` }, '', `expected an object, received ${describe(item)}`, SHAPE_HINT);
    return { cells: header.map((h) => item[h]), at: `[${i}]`, record: i };
  });
  return tableToDataset(header, rows, file, { ...options, target: options.target });
}

function fromXY(xs: unknown[], ys: unknown[], file: string, options: JsonDataOptions): HostDataset {
  if (xs.length !== ys.length) {
    throw dataError('data_bad_shape', file, undefined, 'y', `x has ${xs.length} rows but y has ${ys.length}`, 'Give one target per row of x.');
  }
  const width = Array.isArray(xs[0]) ? xs[0].length : 0;
  const header = [...Array.from({ length: width }, (_, j) => `f${j}`), 'y'];
  const rows: TableRow[] = xs.map((row, i) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw dataError('data_bad_shape', file, { cells: [], at: `x[${i}]` }, '', `expected an array of ${width} numbers, received ${Array.isArray(row) ? `${row.length} values` : describe(row)}`, 'Every row of x needs the same number of features.');
    }
    return { cells: [...row, ys[i]], at: `x[${i}]`, record: i };
  });
  return tableToDataset(header, rows, file, { task: options.task, target: 'y', features: header.slice(0, width), ...(options.skip ? { skip: options.skip } : {}) });
}
