import { describe, expect, it } from 'vitest';
import { renderedError } from '../../test/helpers/errors.js';
import { memoryReader } from '../config/load.js';
import { createRng } from '../runtime/rng.js';
import { parseCsvData } from './csv.js';
import { loadFileData } from './file-data.js';
import { parseJsonData } from './json.js';
import { parseSkipRows } from './skip-rows.js';
import { splitDataset } from './split.js';

const CSV = 'a,y\n1,10\n2,20\n\n3,30\n4,40\n';
const lines = (text: string, skip?: string) => Array.from(parseCsvData(text, 'd.csv', { task: 'regression', target: 'y', ...(skip === undefined ? {} : { skip: parseSkipRows(skip, 'bad-rows.txt') }) }).origin!.at);

describe('sample origins: the line or record each sample came from', () => {
  it('numbers CSV rows by the line they start on, as an editor does: header line 1, empty lines, BOM, CRLF, quoted newlines', () => {
    expect(lines(CSV)).toEqual([2, 3, 5, 6]);
    // Line 2 holds a quoted field spanning lines 2–3 (with CRLF): the next row starts on line 4.
    // csv-parse's own count would say 6 for "5,50" (it reports a record's last line and counts the quoted CRLF twice).
    expect(lines('\uFEFFa,y\r\n"1\r\n",10\r\n4,40\r\n\r\n5,50\r\n')).toEqual([2, 4, 6]);
  });

  it('numbers JSON records by their 0-based index, in both shapes', () => {
    const objects = parseJsonData('[{"a":1,"y":2},{"a":3,"y":null},{"a":5,"y":6}]', 'd.json', { task: 'regression', target: 'y' });
    // Record 1 has a missing target and is left out: the origins keep the indices of the file.
    expect([objects.origin!.unit, Array.from(objects.origin!.at)]).toEqual(['record', [0, 2]]);
    const xy = parseJsonData('{"x":[[1],[2],[3]],"y":[1,2,3]}', 'd.json', { task: 'regression', skip: parseSkipRows('1\n', 's.txt') });
    expect(Array.from(xy.origin!.at)).toEqual([0, 2]);
    expect(xy.origin!.skipped).toEqual([1]);
  });

  it('keeps each sample\'s origin through the seeded train/validation split', () => {
    const text = `a,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i}`).join('\n')}\n`;
    const ds = parseCsvData(text, 'd.csv', { task: 'regression', target: 'y' });
    const { train, val } = splitDataset(ds, 0.25, createRng(3));
    // Row with a = v sits on line v + 2; the origin must follow the sample wherever the split put it.
    for (const part of [train, val]) {
      for (let i = 0; i < part.samples; i++) expect(part.origin!.at[i]).toBe(part.x[i]! + 2);
    }
    expect(train.samples + val.samples).toBe(20);
  });
});

describe('--skip-rows', () => {
  it('leaves the listed lines out and keeps the rest in file order; comments and blank lines are ignored', () => {
    expect(lines(CSV, '# bad rows\n3\n\n6   # and this one\n')).toEqual([2, 5]);
  });

  it('gives the same dataset as the file with those lines deleted', () => {
    const skipped = parseCsvData(CSV, 'd.csv', { task: 'regression', target: 'y', skip: parseSkipRows('3\n', 's') });
    const edited = parseCsvData('a,y\n1,10\n\n3,30\n4,40\n', 'd.csv', { task: 'regression', target: 'y' });
    expect([Array.from(skipped.x), Array.from(skipped.y)]).toEqual([Array.from(edited.x), Array.from(edited.y)]);
  });

  it('refuses a line that is not a data row (header, empty line, past the end) at the skip file\'s line', async () => {
    const skip = (s: string) => () => lines(CSV, s);
    expect(await renderedError(skip('3\n1\n'))).toMatchInlineSnapshot(`
      "✖ line 1 is not a data row of d.csv (its data rows are lines 2–6)
        at data.skipRows (bad-rows.txt:2)
        → Remove it from bad-rows.txt, or pass the skip file written for this data file."
    `);
    expect(await renderedError(skip('4\n'))).toContain('line 4 is not a data row');
    expect(await renderedError(skip('99\n'))).toContain('bad-rows.txt:1');
    expect(await renderedError(skip('2\n3\n5\n6\n'))).toContain('bad-rows.txt lists every data row of d.csv');
  });

  it('refuses a line that is not a number, at its line', async () => {
    expect(await renderedError(() => parseSkipRows('12\nlines 120-151\n', 'bad-rows.txt'))).toMatchInlineSnapshot(`
      "✖ expected one row number per line, received "lines 120-151"
        at data.skipRows (bad-rows.txt:2)
        → Write one CSV line number (or JSON record index) per line; start comments with #."
    `);
  });

  it('names a missing skip file and the flag', async () => {
    const config = { kind: 'file', path: 'd.csv', target: 'y', task: 'regression', normalize: false, batchSize: 2, valFraction: 0, shuffle: true, skipRows: 'runs/x/bad-rows.txt' } as const;
    const read = memoryReader({ 'd.csv': CSV });
    expect(await renderedError(() => loadFileData(config, read, null))).toMatchInlineSnapshot(`
      "✖ the skip file runs/x/bad-rows.txt does not exist
        at data.skipRows (--skip-rows)
        → Pass the bad-rows.txt a run wrote (e.g. --skip-rows runs/<run>/bad-rows.txt), with its path relative to the working directory."
    `);
    const ds = await loadFileData(config, memoryReader({ 'd.csv': CSV, 'runs/x/bad-rows.txt': '2\n' }), null);
    expect(Array.from(ds.origin!.at)).toEqual([3, 5, 6]);
  });
});
