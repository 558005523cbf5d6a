/**
 * The run directory sink: `config.json` (the resolved config and its provenance) at open, `steps.jsonl` (one
 * record per line, appended as the run goes, non-finite numbers as "NaN"/"Infinity"
 * strings — see `log/codec`) and `summary.json` at close. JSON files are written
 * atomically. Each line is handed to the OS with one synchronous write as its step ends,
 * so a killed process (`kill -9`) loses at most the step being written, and a checkpoint
 * can record the log's exact size.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary, StepRecord } from '../../record.js';
import { writeFileAtomic } from '../atomic.js';
import { encodeRecord, stringifyWithNonFinite } from '../../log/codec.js';
import { RUN_FILES } from '../../log/types.js';
import type { RunMeta, Sink } from './types.js';

/** Options of {@link createJsonlSink}. */
export interface JsonlSinkOptions {
  /** Continue an existing run (`--resume`): keep config.json and append to steps.jsonl. */
  readonly append?: boolean;
}

/** A sink writing the run directory `dir`. */
export function createJsonlSink(dir: string, options: JsonlSinkOptions = {}): Sink {
  let fd: number | null = null;
  return {
    name: 'jsonl',
    async open(meta: RunMeta) {
      await mkdir(dir, { recursive: true });
      // config.json is the resolved config plus, when known, where each field came from; `resolveConfig` ignores `provenance` when the file is read back as a config.
      const config = meta.provenance ? { ...(meta.config as object), provenance: meta.provenance } : meta.config;
      if (!options.append) await writeFileAtomic(join(dir, RUN_FILES.config), stringifyWithNonFinite(config, 2) + '\n');
      fd = openSync(join(dir, RUN_FILES.steps), options.append ? 'a' : 'w');
    },
    async write(record: StepRecord) {
      const line = Buffer.from(encodeRecord(record) + '\n');
      for (let at = 0; at < line.length; ) at += writeSync(fd!, line, at);
    },
    async close(summary: RunSummary) {
      if (fd !== null) {
        closeSync(fd);
        fd = null;
      }
      await writeFileAtomic(join(dir, RUN_FILES.summary), stringifyWithNonFinite(summary, 2) + '\n');
    },
  };
}
