/**
 * The run directory sink: `config.json` (the resolved config) at open, `steps.jsonl` (one
 * record per line, appended as the run goes, non-finite numbers as "NaN"/"Infinity"
 * strings — see `log/codec`) and `summary.json` at close. JSON files are written
 * atomically; the JSONL stream is flushed on close and honours back-pressure.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { RunSummary, StepRecord } from '../../record.js';
import { writeFileAtomic } from '../atomic.js';
import { encodeRecord, stringifyWithNonFinite } from '../../log/codec.js';
import { RUN_FILES } from '../../log/types.js';
import type { RunMeta, Sink } from './types.js';

/** A sink writing the run directory `dir`. */
export function createJsonlSink(dir: string): Sink {
  let stream: WriteStream | null = null;
  let failure: Error | null = null;
  return {
    name: 'jsonl',
    async open(meta: RunMeta) {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(join(dir, RUN_FILES.config), stringifyWithNonFinite(meta.config, 2) + '\n');
      stream = createWriteStream(join(dir, RUN_FILES.steps), { flags: 'w' });
      stream.on('error', (e) => (failure = e));
      await once(stream, 'open');
    },
    async write(record: StepRecord) {
      if (failure) throw failure;
      if (!stream!.write(encodeRecord(record) + '\n')) await once(stream!, 'drain');
    },
    async close(summary: RunSummary) {
      if (stream) {
        stream.end();
        if (!stream.writableFinished) await once(stream, 'finish');
      }
      if (failure) throw failure;
      await writeFileAtomic(join(dir, RUN_FILES.summary), stringifyWithNonFinite(summary, 2) + '\n');
    },
  };
}
