/**
 * `monitor()` in Node: the run's records go to the same run directory as `gclip train`'s
 * (`config.json`, `steps.jsonl`, `summary.json`, TensorBoard events with `log.tensorboard`)
 * through the same sinks, so `gclip report`, `gclip check --log` and `gclip sweep merge`
 * read it unchanged. Sinks are asynchronous and a step inside `fit` is not: records are
 * queued in order, and the callback (or `close`) waits for them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configReadError, parseConfigText } from '../config/load.js';
import { resolveConfig } from '../config/merge.js';
import type { RunSummary, StepRecord } from '../record.js';
import { createJsonlSink } from '../report/sinks/jsonl.js';
import { createTensorBoardSink } from '../report/sinks/tensorboard.js';
import type { Sink } from '../report/sinks/types.js';
import { tf } from '../runtime/tf.js';
import { chooseRunDir } from '../train/session.js';
import { sinkError } from '../train/sink-errors.js';
import { isStrategy, resolveMonitorOptions, type MonitorOptions, type ResolvedMonitorOptions } from './options.js';
import { createMonitorRun, type MonitorRun, type RecordOutlet } from './run.js';

export type { MonitorOptions } from './options.js';
export type { MonitorRun, MonitorStep } from './run.js';

/** The sections of the config file at `path` (relative to the working directory), with file:line in errors. */
function optionsFromFile(path: string): MonitorOptions {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (e) {
    throw configReadError(path, e);
  }
  const { config } = resolveConfig({ file: parseConfigText(path, text), flags: {} });
  return { clip: config.clip, detect: config.detect, log: config.log };
}

/** Records queued to `sinks` in order; the first failure is kept and raised by `flush`/`close`. */
function sinkOutlet(sinks: readonly Sink[], runDir: string, config: unknown): RecordOutlet {
  let failure: unknown = null;
  const run = (sink: Sink, at: number | 'open' | 'close', fn: () => Promise<void>) => async () => {
    if (failure !== null) return;
    try {
      await fn();
    } catch (e) {
      failure = sinkError(sink, at, e);
    }
  };
  const meta = { runDir, config, backend: tf.getBackend(), startedAt: new Date().toISOString() };
  let chain: Promise<void> = Promise.resolve();
  for (const sink of sinks) chain = chain.then(run(sink, 'open', () => sink.open(meta)));
  const flush = async () => {
    await chain;
    if (failure !== null) throw failure;
  };
  return {
    runDir,
    push(record: StepRecord) {
      for (const sink of sinks) chain = chain.then(run(sink, record.step, () => sink.write(record)));
    },
    flush,
    async close(summary: RunSummary) {
      for (const sink of sinks) chain = chain.then(run(sink, 'close', () => sink.close(summary)));
      await flush();
    },
  };
}

const memoryOutlet: RecordOutlet = { runDir: null, push: () => {}, flush: async () => {}, close: async () => {} };

/** The outlet of validated options: a run directory when `out` is set, else memory only. */
function outletFor(o: ResolvedMonitorOptions): RecordOutlet {
  if (o.out === undefined && o.log.tensorboard === undefined) return memoryOutlet;
  const cwd = process.cwd();
  const config = { clip: isStrategy(o.clip) ? { kind: o.clip.kind, ...o.clip.options } : o.clip, detect: o.detect, log: o.log };
  const sinks: Sink[] = [];
  let runDir = '';
  if (o.out !== undefined) {
    runDir = chooseRunDir({ log: { ...o.log, out: o.out } } as Parameters<typeof chooseRunDir>[0], { cwd, startedAt: new Date(), overwrite: false });
    sinks.push(createJsonlSink(runDir));
  }
  if (o.log.tensorboard !== undefined) sinks.push(createTensorBoardSink({ dir: resolve(cwd, o.log.tensorboard), histogramEvery: o.log.histogramEvery }));
  return { ...sinkOutlet(sinks, runDir, config), runDir: o.out === undefined ? null : runDir };
}

/**
 * Monitors a tfjs training run written by the user: `model.fit` / `fitDataset` (compile with
 * `run.optimizer(inner)`, pass `run.callback()`) or a custom loop (`run.step`). `options`
 * are the `clip`, `detect` and `log` sections of a gclip config plus `out`, or the path of
 * a config file (YAML or JSON; other sections are ignored).
 *
 * Throws GclipError before any training: `invalid_config` with a dotted field path per
 * problem (and `file:line` for a file), `run_dir_exists` when `out` already holds a run.
 */
export function monitor(options: MonitorOptions | string = {}): MonitorRun {
  const resolved = resolveMonitorOptions(typeof options === 'string' ? optionsFromFile(options) : options);
  return createMonitorRun(resolved, outletFor(resolved), () => performance.now());
}
