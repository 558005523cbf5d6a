/**
 * The documented size limits of every file gclip reads (docs/limits.md). A file over its
 * limit is refused (exit 2) after a stat, before its content is read.
 */

/** A size limit: bytes, what the file is called in messages, and how to get under it. */
export interface ReadLimit {
  readonly bytes: number;
  readonly what: string;
  readonly hint: string;
}

const MiB = 1024 * 1024;

/** The limit of each kind of file gclip reads. */
export const READ_LIMITS = {
  config: { bytes: 1 * MiB, what: 'config file', hint: 'A gclip config is a few kilobytes; check that --config names the YAML or JSON config.' },
  data: { bytes: 256 * MiB, what: 'data file', hint: 'Subsample the data, or drop unused columns, to bring the file under 256 MiB.' },
  modelJson: { bytes: 16 * MiB, what: 'model.json', hint: 'model.json holds the topology only; weights belong in the .bin shards its weightsManifest lists.' },
  shard: { bytes: 512 * MiB, what: 'weight shard', hint: 'gclip trains models of up to 2^27 float32 values (512 MiB of weights).' },
  log: { bytes: 256 * MiB, what: 'log file', hint: 'Cut the log to the steps you want judged (e.g. with head or tail), or log less often.' },
  sweep: { bytes: 64 * MiB, what: 'sweep file', hint: 'Pass the sweep.json that `gclip sweep` wrote.' },
  summary: { bytes: 16 * MiB, what: 'summary file', hint: 'Pass the summary.json that `gclip train` wrote.' },
} as const satisfies Record<string, ReadLimit>;

/** The limit of a file `gclip report` reads, by its name: summary.json, sweep.json, or a step log. */
export function reportLimit(path: string): ReadLimit {
  const name = path.split(/[\\/]/).pop()?.toLowerCase();
  return name === 'summary.json' ? READ_LIMITS.summary : name === 'sweep.json' ? READ_LIMITS.sweep : READ_LIMITS.log;
}

/**
 * How deep parsed JSON/YAML documents may nest (arrays and objects inside each other).
 * Real configs, data files, logs and model.json files nest fewer than 30 levels; deeper
 * documents are refused before any recursive code walks them.
 */
export const MAX_NESTING = 100;

/** "1.5 MiB", "512 bytes": a byte count for messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toFixed(1))} ${units[u]}`;
}
