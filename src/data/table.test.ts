import { describe, expect, it } from 'vitest';
import { memoryReader } from '../config/load.js';
import { isGclipError } from '../errors.js';
import { parseCsvData } from './csv.js';
import { loadDataFile } from './load.js';
import { parseJsonData } from './json.js';

/** Runs `fn`, expects a GclipError, returns its code, exit code and first issue. */
function failure(fn: () => unknown): { code: string; exitCode: number; source?: string; path: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    if (!isGclipError(e)) throw e;
    const issue = e.issues[0]!;
    return { code: e.code, exitCode: e.exitCode, path: issue.path, message: issue.message, ...(issue.source ? { source: issue.source } : {}), ...(issue.hint ? { hint: issue.hint } : {}) };
  }
  throw new Error('expected a GclipError');
}

describe('parseCsvData', () => {
  it('reads chosen features, quoted fields and a numeric target', () => {
    const ds = parseCsvData('\uFEFFa,"b, quoted",y,skip\r\n1,"2",3,x\r\n\r\n4,5.5,-6,x\r\n', 'd.csv', { task: 'regression', target: 'y', features: ['b, quoted', 'a'] });
    expect(Array.from(ds.x)).toEqual([2, 1, 5.5, 4]);
    expect(Array.from(ds.y)).toEqual([3, -6]);
    expect([ds.samples, ds.inputShape, ds.outputDim, ds.featureNames]).toEqual([2, [2], 1, ['b, quoted', 'a']]);
  });

  it('leaves text columns out of the default features and names them; a typo in a numeric column stays an error', () => {
    const ds = parseCsvData('size,city,y\n1,"Austin, TX",2\n3,Boston,4\n5,,6\n', 'd.csv', { task: 'regression', target: 'y' });
    expect(ds.featureNames).toEqual(['size']);
    expect(ds.droppedColumns).toEqual(['city']);
    expect(Array.from(ds.x)).toEqual([1, 3, 5]);
    // 1 of 3 cells is text: a numeric column with a typo, reported at its line.
    expect(failure(() => parseCsvData('a,y\n1,2\n2,3\noops,4\n', 'd.csv', { task: 'regression', target: 'y' }))).toMatchObject({ code: 'data_non_numeric', source: 'd.csv:4', path: 'a' });
    expect(failure(() => parseCsvData('name,y\nx,1\nz,2\n', 'd.csv', { task: 'regression', target: 'y' }))).toMatchObject({ code: 'data_no_features', source: 'd.csv:1' });
  });

  it('leaves out rows with missing values in used columns and counts them per column', () => {
    const ds = parseCsvData('a,b,y\n1,2,3\n,5,6\n7,NA,9\n10,11,null\n12,13,14\n', 'd.csv', { task: 'regression', target: 'y' });
    expect(Array.from(ds.y)).toEqual([3, 14]);
    expect(ds.droppedRows).toEqual({ rows: 3, byColumn: { a: 1, b: 1, y: 1 } });
    // A missing cell in an unused column does not cost the row.
    expect(parseCsvData('a,skip,y\n1,,3\n', 'd.csv', { task: 'regression', target: 'y', features: ['a'] }).samples).toBe(1);
    expect(failure(() => parseCsvData('a,y\n,1\n2,\n', 'd.csv', { task: 'regression', target: 'y' }))).toMatchObject({ code: 'data_empty' });
  });

  it('one-hot encodes a categorical target with sorted class names', () => {
    const ds = parseCsvData('x,label\n1,dog\n2,cat\n3,dog\n', 'd.csv', { task: 'classification', target: 'label' });
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.y)).toEqual([0, 1, 1, 0, 0, 1]);
    // Numeric labels sort numerically: 10 after 9.
    expect(parseCsvData('x,c\n1,10\n2,9\n', 'n.csv', { task: 'classification', target: 'c' }).classNames).toEqual(['9', '10']);
  });

  it.each([
    { name: 'ragged row', text: 'a,y\n1,2\n3,4,5\n', code: 'data_bad_csv', source: 'd.csv:3' },
    { name: 'unclosed quote', text: 'a,y\n1,"2\n', code: 'data_bad_csv' },
    { name: 'non-numeric cell', text: 'a,y\n1,2\noops,4\n', code: 'data_non_numeric', source: 'd.csv:3', path: 'a' },
    { name: 'infinite value', text: 'a,y\nInfinity,2\n', code: 'data_non_numeric', source: 'd.csv:2', path: 'a' },
    { name: 'missing target column', text: 'a,b\n1,2\n', code: 'data_missing_column', source: 'd.csv:1', path: 'y' },
    { name: 'empty file', text: '', code: 'data_empty' },
    { name: 'header only', text: 'a,y\n', code: 'data_empty' },
  ])('$name → $code (exit 2) naming file, line and column', ({ text, code, source, path }) => {
    const f = failure(() => parseCsvData(text, 'd.csv', { task: 'regression', target: 'y' }));
    expect([f.code, f.exitCode]).toEqual([code, 2]);
    expect(f.source ?? '').toContain(source ?? 'd.csv');
    if (path) expect(f.path).toBe(path);
    expect(f.message).not.toMatch(/undefined|\[object/);
  });

  it('names a missing feature column and lists the columns found', () => {
    const f = failure(() => parseCsvData('a,y\n1,2\n', 'd.csv', { task: 'regression', target: 'y', features: ['price'] }));
    expect(f).toMatchObject({ code: 'data_missing_column', path: 'price', source: 'd.csv:1' });
    expect(f.message).toContain('columns found: a, y');
  });

  it('suggests the column a misspelt name meant', () => {
    const f = failure(() => parseCsvData('sqft,price\n1,2\n', 'd.csv', { task: 'regression', target: 'Price' }));
    expect(f).toMatchObject({ code: 'data_missing_column', path: 'Price' });
    expect(f.hint).toContain("Did you mean 'price'?");
  });

  it('rejects a classification target with one class', () => {
    expect(failure(() => parseCsvData('a,y\n1,k\n2,k\n', 'd.csv', { task: 'classification', target: 'y' })).code).toBe('data_one_class');
  });
});

describe('parseJsonData', () => {
  it('reads an array of objects like a CSV', () => {
    const ds = parseJsonData('[{"a": 1, "b": 2, "y": "no"}, {"a": 3, "b": 4, "y": "yes"}]', 'd.json', { task: 'classification', target: 'y' });
    expect([Array.from(ds.x), Array.from(ds.y), ds.classNames]).toEqual([[1, 2, 3, 4], [1, 0, 0, 1], ['no', 'yes']]);
  });

  it('reads {x, y}', () => {
    const ds = parseJsonData('{"x": [[1, 2], [3, 4], [5, 6]], "y": [0.5, 1.5, 2.5]}', 'd.json', { task: 'regression' });
    expect([Array.from(ds.x), Array.from(ds.y), ds.featureNames]).toEqual([[1, 2, 3, 4, 5, 6], [0.5, 1.5, 2.5], ['f0', 'f1']]);
  });

  it.each([
    { name: 'syntax error', text: '{"x": [1,', code: 'data_bad_json' },
    { name: 'wrong shape', text: '{"rows": []}', code: 'data_bad_shape' },
    { name: 'ragged x', text: '{"x": [[1, 2], [3]], "y": [1, 2]}', code: 'data_bad_shape', path: 'x[1]' },
    { name: 'x and y lengths differ', text: '{"x": [[1]], "y": [1, 2]}', code: 'data_bad_shape', path: 'y' },
    { name: 'string feature', text: '{"x": [[1], ["a"]], "y": [1, 2]}', code: 'data_non_numeric', path: 'x[1].f0' },
    { name: 'non-object row', text: '[{"a": 1, "y": 2}, 3]', code: 'data_bad_shape' },
  ])('$name → $code (exit 2)', ({ text, code, path }) => {
    const f = failure(() => parseJsonData(text, 'd.json', { task: 'regression', target: 'y' }));
    expect([f.code, f.exitCode, f.source]).toEqual([code, 2, 'd.json']);
    if (path !== undefined) expect(f.path).toBe(path);
  });
});

describe('loadDataFile', () => {
  const read = memoryReader({ 'a.csv': 'a,y\n1,2\n', 'b.json': '{"x": [[1]], "y": [3]}' });

  it('dispatches on the extension', async () => {
    expect(Array.from((await loadDataFile('a.csv', read, { task: 'regression', target: 'y' })).y)).toEqual([2]);
    expect(Array.from((await loadDataFile('b.json', read, { task: 'regression' })).y)).toEqual([3]);
  });

  it('reports a missing file as data_not_found, and a CSV without --target', async () => {
    await expect(loadDataFile('nope.csv', read, { task: 'regression', target: 'y' })).rejects.toMatchObject({ code: 'data_not_found', exitCode: 2 });
    await expect(loadDataFile('a.csv', read, { task: 'regression' })).rejects.toMatchObject({ code: 'data_missing_column' });
  });
});
