/** Fuzzing the run-log readers: gclip steps.jsonl, HF trainer_state.json, Lightning metrics.csv. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import JSON5 from 'json5';
import { describe, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { mutatedLines, mutatedText, readerInput } from './arbitraries.js';
import { fuzzReader } from './property.js';
import { readGclipLog, readHfLog, readLightningLog } from './readers.js';

const head = (file: string, lines: number) => readFileSync(join(ROOT, 'fixtures/logs', file), 'utf8').split('\n').slice(0, lines).join('\n');
const jsonl = [head('steps-pass.jsonl', 12), head('steps-fail.jsonl', 12)];
const records = jsonl.flatMap((t) => t.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown));
const hf = ['trainer_state-pass.json', 'trainer_state-fail.json'].map((f) => {
  const doc = JSON5.parse(readFileSync(join(ROOT, 'fixtures/logs', f), 'utf8')) as { log_history: unknown[] };
  return { ...doc, log_history: doc.log_history.slice(0, 12) };
});

describe('log readers under fuzzing', () => {
  it('gclip JSONL: any text gives records or an exit-2 error', async () => {
    const byRecord = mutatedText([records], (d) => (Array.isArray(d) ? d.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(d)));
    await fuzzReader(readGclipLog, readerInput(fc.oneof(byRecord, mutatedLines(jsonl))));
  });

  it('HF trainer_state.json: any text gives records or an exit-2 error', async () => {
    await fuzzReader(readHfLog, readerInput(mutatedText(hf, (d) => JSON.stringify(d, null, 1))));
  });

  it('Lightning metrics.csv: any text gives records or an exit-2 error', async () => {
    await fuzzReader(readLightningLog, readerInput(mutatedLines([head('metrics-pass.csv', 14), head('metrics-fail.csv', 14)])));
  });
});
