/**
 * A training session with its run directory: picks the directory (refusing to overwrite
 * an earlier run unless asked), writes config, steps and summary through the JSONL sink
 * plus any extra sinks, and trains.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { inputError } from '../errors.js';
import { childPath } from '../guard/out-path.js';
import type { RunSummary } from '../record.js';
import { createJsonlSink, RUN_FILES } from '../report/sinks/jsonl.js';
import type { Sink } from '../report/sinks/types.js';
import { createTensorBoardSink } from '../report/sinks/tensorboard.js';
import { train } from './run.js';

export interface SessionOptions {
  readonly cwd: string;
  /** Wall-clock start of the session; names the default run directory. */
  readonly startedAt: Date;
  readonly backend: string;
  readonly sinks?: readonly Sink[];
  /** Replace the files of an earlier run in `log.out`. */
  readonly overwrite?: boolean;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  /** Also write TensorBoard event files here (with gradient histograms every `log.histogramEvery` steps). */
  readonly tensorboardDir?: string;
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * The run directory: `log.out` if set (an error if it already holds a run, unless
 * `overwrite`), else `runs/<yyyymmdd-hhmmss>-<name>` with `-2`, `-3`... on collision.
 */
export function chooseRunDir(config: RunConfig, o: Pick<SessionOptions, 'cwd' | 'startedAt' | 'overwrite'>): string {
  if (config.log.out !== undefined) {
    const dir = resolve(o.cwd, config.log.out);
    if (!o.overwrite && existsSync(join(dir, RUN_FILES.steps))) {
      throw inputError('run_dir_exists', {
        path: 'log.out',
        message: `${dir} already holds a run (${RUN_FILES.steps} exists)`,
        hint: 'Pick another --out, or pass --overwrite to replace it.',
        source: '--out',
      });
    }
    return dir;
  }
  const base = childPath(resolve(o.cwd, 'runs'), `${stamp(o.startedAt)}-${config.name}`, 'name');
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

/** Trains `config`, writing its run directory; returns the summary. */
export async function runSession(config: RunConfig, o: SessionOptions): Promise<RunSummary> {
  const runDir = chooseRunDir(config, o);
  const tensorboard = o.tensorboardDir
    ? [createTensorBoardSink({ dir: resolve(o.cwd, o.tensorboardDir), histogramEvery: config.log.histogramEvery })]
    : [];
  return train(config, {
    runDir,
    cwd: o.cwd,
    sinks: [createJsonlSink(runDir), ...tensorboard, ...(o.sinks ?? [])],
    histogramEvery: tensorboard.length ? config.log.histogramEvery : 0,
    backend: o.backend,
    now: o.now,
    signal: o.signal,
    startedAt: o.startedAt.toISOString(),
  });
}
