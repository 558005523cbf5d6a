/**
 * `bad-rows.txt`: the rows of the first bad step's batch, written into the run directory in
 * the format `--skip-rows` reads (`data/skip-rows`), so "train without those rows" is one
 * flag. Rows an earlier `--skip-rows` left out are listed too: the next run skips both.
 */
import { join } from 'node:path';
import type { SampleOrigin } from '../data/dataset.js';
import { batchText } from '../log/batch-text.js';
import { RUN_FILES } from '../log/types.js';
import type { BlamedBatch, RunSummary } from '../record.js';
import { writeFileAtomic } from '../report/atomic.js';

/**
 * The file's text for `batch`, or null when the batch names no rows of a file (synthetic
 * data, or a log without the field): comment lines (`#`) saying what the numbers are, then
 * one number per line, ascending.
 */
export function badRowsText(batch: BlamedBatch, origin: Pick<SampleOrigin, 'skipped'> | undefined): string | null {
  const positions = batch.lines ?? batch.records;
  if (!positions || batch.file === undefined) return null;
  const unit = batch.lines ? 'line numbers (1-based, the header is line 1)' : 'record indices (0-based)';
  const earlier = origin?.skipped ?? [];
  const rows = [...new Set([...positions, ...earlier])].sort((a, b) => a - b);
  const head = [
    `# gclip bad rows: the batch of the first bad step, ${batchText(batch)}`,
    ...(earlier.length ? [`# plus the ${earlier.length} rows this run already skipped (--skip-rows)`] : []),
    `# ${unit} of ${batch.file}; pass this file to --skip-rows (data.skipRows) to train without them`,
  ];
  return `${[...head, ...rows.map(String)].join('\n')}\n`;
}

/**
 * Writes `bad-rows.txt` into `runDir` when the summary's onset names rows of a data file,
 * and returns the summary with a hint naming the file and the flag; otherwise returns
 * `summary` unchanged and writes nothing.
 */
export async function writeBadRows(runDir: string, summary: RunSummary, origin: SampleOrigin | undefined): Promise<RunSummary> {
  const batch = summary.onset?.batch;
  const text = batch ? badRowsText(batch, origin) : null;
  if (text === null) return summary;
  const file = join(runDir, RUN_FILES.badRows);
  await writeFileAtomic(file, text);
  return { ...summary, hints: [...summary.hints, `the first bad step's batch is ${batchText(batch!)}; train without those rows: --skip-rows ${file}`] };
}
