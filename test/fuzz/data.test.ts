/** Fuzzing the data readers (CSV and JSON text → dataset). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { mutatedLines, mutatedText, readerInput } from './arbitraries.js';
import { fuzzReader } from './property.js';
import { readCsvData, readCsvDataClasses, readJsonData } from './readers.js';

const csv = readFileSync(join(ROOT, 'fixtures/data/houses.csv'), 'utf8').split('\n').slice(0, 16).join('\n');
const rows = csv.split('\n').slice(1).map((line) => {
  const [sqft, rooms, age, , price] = line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  return { sqft: Number(sqft), rooms: Number(rooms), age: Number(age), price: Number(price) };
});
const json = [rows, { x: rows.map((r) => [r.sqft, r.rooms, r.age]), y: rows.map((r) => r.price) }];

describe('data readers under fuzzing', () => {
  it('CSV: any text gives a dataset or an exit-2 error', async () => {
    await fuzzReader(readCsvData, readerInput(mutatedLines([csv, csv.replace(/\n/g, '\r\n'), `\uFEFF${csv}`])));
  });

  it('CSV with a classification target and named features: any text gives a dataset or an exit-2 error', async () => {
    await fuzzReader(readCsvDataClasses, readerInput(mutatedLines([csv])));
  });

  it('JSON: any text gives a dataset or an exit-2 error', async () => {
    await fuzzReader(readJsonData, readerInput(mutatedText(json, (d) => JSON.stringify(d))));
  });
});
