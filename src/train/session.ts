/**
 * A training session with its run directory: picks the directory (refusing to overwrite
 * an earlier run unless asked), writes config, steps and summary through the JSONL sink
 * plus any extra sinks, and trains.
 */
import { existsSync } from 'node:fs';
import { readFile, truncate } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { inputError, type GclipError } from '../errors.js';
import { childPath } from '../guard/out-path.js';
import type { RunSummary, StepRecord } from '../record.js';
import { decodeLine } from '../log/codec.js';
import { dropTornTail, parseGclipJsonl } from '../log/jsonl.js';
import { RUN_FILES } from '../log/types.js';
import { configHash, disposeCheckpoint, fileSize, loadLatestCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import { createJsonlSink } from '../report/sinks/jsonl.js';
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
  /** Continue the run in this directory from its last complete checkpoint (`--resume`). */
  readonly resume?: string;
  /** Resume although the config or the backend differ from the checkpoint's (`--force`). */
  readonly force?: boolean;
  /** Where each config field came from, for config.json and the summary (`ResolvedConfig.provenance`). */
  readonly provenance?: Readonly<Record<string, string>>;
  /** Told what the session ignored: on `--resume`, a torn last line of steps.jsonl (file and line). */
  readonly onNote?: (note: string) => void;
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

/**
 * The summary of a run directory whose run ended (any status but `interrupted`), or null
 * when it has no summary.json (killed) or was interrupted: then it can be resumed.
 */
export async function finishedRun(runDir: string): Promise<RunSummary | null> {
  let text: string;
  try {
    text = await readFile(join(runDir, RUN_FILES.summary), 'utf8');
  } catch {
    return null;
  }
  try {
    const summary = decodeLine(text) as RunSummary;
    return summary.status === 'interrupted' ? null : summary;
  } catch {
    // A summary cut mid-write is no proof the run ended: resume from the checkpoint.
    return null;
  }
}

function resumeError(code: GclipError['code'], message: string, hint: string): GclipError {
  return inputError(code, { path: '', message, hint, source: '--resume' });
}

/**
 * The last complete checkpoint of `runDir` and the records of steps.jsonl before it (the
 * file is cut back to the checkpoint's length: steps after it, and a torn last line, are
 * trained again). Refuses a changed config or backend unless `force`.
 */
async function prepareResume(config: RunConfig, runDir: string, backend: string, force: boolean, onNote?: (note: string) => void): Promise<{ checkpoint: LoadedCheckpoint; history: StepRecord[] }> {
  const checkpoint = await loadLatestCheckpoint(runDir);
  if (checkpoint === null) {
    throw resumeError('no_checkpoint', `${runDir} has no complete checkpoint (no checkpoints/${'manifest.json'} naming one)`, 'Runs are resumable once a checkpoint is written: use --checkpoint-every N (an interrupted run also writes one as it stops).');
  }
  const s = checkpoint.state;
  const changed = s.configHash !== configHash(config) ? 'the config differs from the one the checkpoint was trained with' : s.backend !== backend ? `the backend is ${backend}, the checkpoint's ${s.backend}` : null;
  if (changed !== null && !force) {
    disposeCheckpoint(checkpoint);
    throw resumeError('checkpoint_mismatch', `cannot resume ${runDir}: ${changed}`, 'Resume with the run\'s own config (the default: its config.json) and backend, or pass --force to continue anyway (the log is then no longer one run\'s).');
  }
  const steps = join(runDir, RUN_FILES.steps);
  const size = await fileSize(steps);
  if (size < s.log.bytes) {
    disposeCheckpoint(checkpoint);
    throw resumeError('checkpoint_bad', `${steps} has ${Math.max(size, 0)} bytes, fewer than the ${s.log.bytes} the checkpoint of step ${s.loop.step} recorded`, 'The run directory was changed after the checkpoint; start the run again.');
  }
  const whole = await readFile(steps);
  const torn = dropTornTail(whole.toString('utf8'), steps).warning;
  if (torn !== null) onNote?.(torn);
  const kept = whole.subarray(0, s.log.bytes).toString('utf8');
  const history = s.log.lines === 0 ? [] : [...parseGclipJsonl(kept, steps).records];
  await truncate(steps, s.log.bytes);
  return { checkpoint, history };
}

/** Trains `config`, writing its run directory (or continuing `o.resume`); returns the summary. */
export async function runSession(config: RunConfig, o: SessionOptions): Promise<RunSummary> {
  const runDir = o.resume !== undefined ? resolve(o.cwd, o.resume) : chooseRunDir(config, o);
  const resume = o.resume !== undefined ? await prepareResume(config, runDir, o.backend, Boolean(o.force), o.onNote) : undefined;
  const tensorboard = o.tensorboardDir
    ? [createTensorBoardSink({ dir: resolve(o.cwd, o.tensorboardDir), histogramEvery: config.log.histogramEvery })]
    : [];
  return train(config, {
    runDir,
    cwd: o.cwd,
    resume,
    checkpoint: { every: config.checkpoint.every, keep: config.checkpoint.keep, stepsFile: join(runDir, RUN_FILES.steps) },
    sinks: [createJsonlSink(runDir, { append: resume !== undefined }), ...tensorboard, ...(o.sinks ?? [])],
    histogramEvery: tensorboard.length ? config.log.histogramEvery : 0,
    backend: o.backend,
    now: o.now,
    signal: o.signal,
    startedAt: o.startedAt.toISOString(),
    provenance: o.provenance,
  });
}
