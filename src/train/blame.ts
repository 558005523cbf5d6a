/**
 * Bad-batch blame: which rows a step trained on. The batch schedule gives a step's
 * training-split indices on the host (no readback); the split's `origin` maps each index
 * to its data file's line (CSV) or record (JSON). Records name batches only where it
 * matters, so a healthy run's log does not grow.
 */
import type { BatchSchedule } from '../data/batches.js';
import type { SampleOrigin } from '../data/dataset.js';
import type { Onset } from '../log/onset.js';
import type { BlamedBatch, StepRecord } from '../record.js';

/** The batch of `step`, drawn at data position `dataStep` (they differ only after a resume with skipped batches). */
export type BatchNamer = (step: number, dataStep: number) => BlamedBatch;

/**
 * A namer over `schedule` for the training split whose samples came from `origin`
 * (absent for synthetic tasks: indices only).
 *
 * @example
 * // CSV training split rows 0..3 from lines 9, 4, 2, 7; the batch of step 0 is indices [2, 0]:
 * namer(0, 0); // { step: 0, indices: [2, 0], file: 'd.csv', lines: [2, 9] }
 */
export function createBatchNamer(schedule: Pick<BatchSchedule, 'at'>, origin: SampleOrigin | undefined): BatchNamer {
  return (step, dataStep) => {
    const indices = Array.from(schedule.at(dataStep));
    if (!origin) return { step, indices };
    const at = indices.map((i) => origin.at[i]!);
    return { step, indices, file: origin.file, ...(origin.unit === 'line' ? { lines: at } : { records: at }) };
  };
}

/**
 * The batches a record with events names, each step once: its own step's (what every
 * event on it was measured on), a divergence's first diverged step (`since`), then the
 * onset step's when `onset` (the onset this record fixes, from `onsetIf`) is set.
 */
export function batchesOf(record: StepRecord, onset: Onset | null, name: (step: number) => BlamedBatch): BlamedBatch[] {
  const steps = new Set([record.step]);
  for (const e of record.events) if (e.kind === 'divergence') steps.add(e.since);
  if (onset !== null) steps.add(onset.step);
  return [...steps].map(name);
}
