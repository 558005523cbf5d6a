/** Reading back the JSON files runs and sweeps write (summary.json, sweep.json), for comparing them in tests. */
import { readFileSync } from 'node:fs';
import { decodeNumbers } from '../../src/log/codec.js';

/** A JSON file's object (of the shape the caller names), with "NaN"/"Infinity" strings decoded back to numbers as gclip wrote them. */
export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8'), decodeNumbers) as T;
}

/** A sweep report without what depends on how it ran: `execution` (timings, cache counts) and every `wallMs`. */
export function withoutTimings(report: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify({ ...report, execution: null }, (k, v: unknown) => (k === 'wallMs' ? 0 : v)));
}
