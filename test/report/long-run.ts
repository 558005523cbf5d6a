/**
 * A synthetic long run for report tests and timing: `steps` records with three layers, a
 * clip threshold of 1, a few norm spikes (one led by the `rnn` layer a few steps early)
 * and one non-finite step. Deterministic (a fixed LCG), so failures reproduce.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent, StepRecord } from '../../src/record.js';
import { encodeRecord } from '../../src/log/codec.js';

/** Steps at which the pre-clip norm spikes; the rnn layer starts rising 5 steps earlier. */
export function spikeSteps(steps: number): number[] {
  return [0.2, 0.55, 0.8].map((f) => Math.floor(steps * f));
}

/** The step whose loss and norm are NaN. */
export const nanStep = (steps: number): number => Math.floor(steps * 0.9);

/** Builds the records of the synthetic run. */
export function makeLongRun(steps: number): StepRecord[] {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const spikes = spikeSteps(steps);
  const records: StepRecord[] = [];
  for (let step = 0; step < steps; step++) {
    const lead = spikes.some((s) => step >= s - 5 && step < s) ? 8 : 1;
    const hit = spikes.includes(step) ? 40 : 1;
    const rnn = (0.4 + 0.2 * rand()) * lead * hit;
    const dense = (0.3 + 0.2 * rand()) * hit;
    const head = 0.2 + 0.1 * rand();
    const bad = step === nanStep(steps);
    const pre = bad ? Number.NaN : Math.hypot(rnn, dense, head);
    const clipped = pre > 1;
    const events: RunEvent[] = bad
      ? [{ kind: 'nonfinite', step, what: ['loss', 'grad_norm'], layer: 'rnn' }]
      : hit > 1 ? [{ kind: 'spike', step, preClipNorm: pre, median: 0.6, z: 40, layer: 'rnn' }] : [];
    records.push({
      step,
      loss: bad ? Number.NaN : 2 * Math.exp(-step / (steps / 5)) + 0.05 * rand() + (hit > 1 ? 1 : 0),
      preClipNorm: pre,
      postClipNorm: clipped ? 1 : pre,
      clipCoef: clipped ? 1 / pre : 1,
      clipped,
      threshold: 1,
      layerNorms: { rnn, dense, head },
      layerNormsPost: { rnn, dense, head },
      lr: 0.01,
      valLoss: null,
      events,
      skipped: bad,
      wallMs: 1,
    });
  }
  return records;
}

/** Writes `makeLongRun(steps)` as `dir/steps.jsonl` and returns the file's path. */
export async function writeLongRun(dir: string, steps: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'steps.jsonl');
  await writeFile(file, makeLongRun(steps).map(encodeRecord).join('\n') + '\n');
  return file;
}
