/** Fuzzing the sweep.json reader (with the report's chart shaping) and the summary.json readers (report and --baseline). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { describe, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { mutatedText, readerInput } from './arbitraries.js';
import { fuzzReader } from './property.js';
import { readSummary, readSweep } from './readers.js';

const fixture = (path: string) => JSON5.parse(readFileSync(join(ROOT, 'fixtures', path), 'utf8')) as unknown;
const sweep = fixture('runs/sweep/sweep.json') as { points: Record<string, unknown>[] };
// An adaptive row with a threshold, and one that never finished: the shapes that broke the chart.
const adaptive = { ...sweep, points: [...sweep.points, { threshold: 0.05, strategy: 'autoclip', seeds: 3, stableSeeds: 0, finalLoss: 'NaN' }] };
const summaries = [fixture('runs/rnn-clipped/summary.json'), fixture('runs/exploding-rnn/summary.json')];
const steps = readFileSync(join(ROOT, 'fixtures/runs/rnn-clipped/steps.jsonl'), 'utf8').split('\n').slice(0, 30).join('\n');

describe('sweep and summary readers under fuzzing', () => {
  it('sweep.json: any text gives a report chart or an exit-2 error', async () => {
    await fuzzReader(readSweep, readerInput(mutatedText([sweep, adaptive], (d) => JSON.stringify(d, null, 1))));
  });

  it('summary.json: any text gives a run report (and a baseline) or an exit-2 error', async () => {
    await fuzzReader(readSummary(steps), readerInput(mutatedText(summaries, (d) => JSON.stringify(d, null, 1))));
  });
});
