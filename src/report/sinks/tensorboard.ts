/**
 * TensorBoard sink: writes a TFRecord event file of scalars and gradient histograms,
 * without tfjs-node (whose TensorBoard writer needs the native binding and logs weight
 * histograms only).
 */
import { writeSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { GclipError, inputError } from '../../errors.js';
import type { RunSummary, StepRecord } from '../../record.js';
import { buildHistogram } from '../tensorboard/histogram.js';
import { encodeEvent, type TbEvent, type TbValue } from '../tensorboard/proto.js';
import { eventFileName, histogramTag, initClipRate, nextClipRate, stepScalars } from '../tensorboard/scalars.js';
import { encodeTfRecord } from '../tensorboard/tfrecord.js';
import type { RunMeta, Sink, SinkWriteExtra } from './types.js';

/** Options of `createTensorBoardSink`. */
export interface TensorBoardSinkOptions {
  /** Directory of the event file (a TensorBoard "run"); created if missing. */
  readonly dir: string;
  /** Write histograms on steps where `step % histogramEvery === 0`. A positive integer; default 100. */
  readonly histogramEvery?: number;
  /** Clock in milliseconds since the Unix epoch, for wall times and the file name. */
  readonly now?: () => number;
  /** Host name in the file name. Default `os.hostname()`. */
  readonly hostname?: string;
  /**
   * Buffered bytes that trigger a write before `close`. Default 0: every step's event is
   * written when the step ends, so a `kill -9` loses at most the step being written.
   */
  readonly flushBytes?: number;
  /** With `flushBytes` batching: milliseconds (by `now`) after which buffered records are written anyway. Default 1000, so a killed batching run loses at most a second. */
  readonly flushMs?: number;
}

/** TensorBoard's event-file format version, the payload of the first record. */
export const FILE_VERSION = 'brain.Event:2';
const SINK_NAME = 'tensorboard';

/**
 * Creates a sink writing `<dir>/events.out.tfevents.<unix seconds>.<hostname>`.
 *
 * Per step, one event with the scalars of `stepScalars` (`loss`, `grad_norm/pre_clip`,
 * `grad_norm/post_clip`, `clip/coef`, `clip/rate` over the last 100 steps, `lr`,
 * `val/loss` when present, `grad_norm_layer/<layer>`, and the update telemetry's `update/norm`,
 * `update_norm_layer/<layer>`, `update_ratio_layer/<layer>` when logged). On steps divisible by
 * `histogramEvery`, the same event also carries `grad_hist/<layer>` for each array in
 * `extra.histograms` (TensorFlow's default exponential buckets; non-finite entries left
 * out). The first record is the `file_version: "brain.Event:2"` event.
 *
 * Each step's record is appended as the step ends (one synchronous write of a few hundred
 * bytes, ~8 µs/step; see `flushBytes`/`flushMs` to batch them), so TensorBoard can follow a
 * long run and a killed run keeps every step before the last. The file is opened exclusively (`wx`): an existing
 * file is never overwritten, and no temp-and-rename is needed because nothing earlier is
 * at risk; a crash leaves at most a truncated last record, which TensorBoard skips.
 * I/O failures throw `GclipError` `sink_write_failed` naming the sink and the file; a
 * `histogramEvery` that is not a positive integer throws `invalid_option` here.
 */
export function createTensorBoardSink(options: TensorBoardSinkOptions): Sink {
  const histogramEvery = options.histogramEvery ?? 100;
  if (!Number.isInteger(histogramEvery) || histogramEvery < 1) {
    throw inputError('invalid_option', {
      path: 'log.tensorboard.histogramEvery',
      message: `histogramEvery must be a positive integer, received ${histogramEvery}`,
      hint: 'Use a step interval such as 100.',
    });
  }
  // eslint-disable-next-line no-restricted-properties -- default clock for library callers; the loop injects its own now().
  const now = options.now ?? (() => Date.now());
  const flushBytes = options.flushBytes ?? 0;
  const flushMs = options.flushMs ?? 1000;
  let flushedAt = 0;
  let file: { handle: FileHandle; path: string } | null = null;
  let chunks: Uint8Array[] = [];
  let buffered = 0;
  let clipRate = initClipRate();

  const push = (event: TbEvent): void => {
    const record = encodeTfRecord(encodeEvent(event));
    chunks.push(record);
    buffered += record.length;
  };
  // A synchronous write of a few hundred bytes to the page cache costs less than an awaited
  // one (no thread-pool round trip), and the step's event is in the kernel when it returns.
  const flush = async (at: number): Promise<void> => {
    const target = requireOpen(file);
    const data = Buffer.concat(chunks);
    chunks = [];
    buffered = 0;
    flushedAt = at;
    await guard(target.path, async () => writeAll(target.handle.fd, data));
  };

  return {
    name: SINK_NAME,
    async open(_meta: RunMeta) {
      const nowMs = now();
      flushedAt = nowMs;
      const path = join(options.dir, eventFileName(nowMs, options.hostname ?? osHostname()));
      await guard(path, () => mkdir(options.dir, { recursive: true }));
      file = { handle: await guard(path, () => open(path, 'wx')), path };
      push({ wallTime: nowMs / 1000, step: 0, fileVersion: FILE_VERSION, sourceWriter: 'gclip' });
    },
    async write(record: StepRecord, extra?: SinkWriteExtra) {
      requireOpen(file);
      const next = nextClipRate(clipRate, record.clipped);
      clipRate = next.state;
      const value: TbValue[] = stepScalars(record, next.rate);
      if (extra?.histograms !== undefined && record.step % histogramEvery === 0) {
        for (const [layer, grads] of Object.entries(extra.histograms)) {
          value.push({ tag: histogramTag(layer), histo: buildHistogram(grads) });
        }
      }
      const at = now();
      push({ wallTime: at / 1000, step: record.step, summary: { value } });
      if (buffered >= flushBytes || at - flushedAt >= flushMs) await flush(at);
    },
    async close(_summary: RunSummary) {
      const target = requireOpen(file);
      try {
        await flush(flushedAt);
      } finally {
        file = null;
        await guard(target.path, () => target.handle.close());
      }
    },
  };
}

/** Writes all of `data` at the file's position (writeSync may write less than asked). */
function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
}

/** The open file, or an internal error when the loop broke the open → write → close order. */
function requireOpen<T>(file: T | null): T {
  if (file === null) {
    throw new GclipError('sink_not_open', [{ path: '', message: `${SINK_NAME} sink used before open() or after close()` }], 3);
  }
  return file;
}

/** Runs one I/O call, rethrowing its failure as `sink_write_failed` with the sink and file. */
async function guard<T>(path: string, io: () => Promise<T>): Promise<T> {
  try {
    return await io();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new GclipError('sink_write_failed', [
      {
        path: 'log.tensorboard',
        message: `${SINK_NAME} sink could not write ${path}: ${reason}`,
        hint: 'Check that the --tensorboard directory is writable and has free space.',
        source: path,
      },
    ]);
  }
}
