/**
 * The property every reader must hold: any input gives a result or a GclipError with exit
 * code 2. Another exception (a TypeError, a RangeError from deep recursion, exit 3) fails
 * the run, and fast-check prints the seed and the shrunk input to replay it
 * (GCLIP_FUZZ_SEED=<seed>).
 *
 * A hang cannot be caught from the same thread (tfjs's model building loops
 * synchronously), so `watchdogMs` starts a separate process that kills this one after
 * that long, printing the seed and the file holding the input that was running.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isGclipError } from '../../src/errors.js';
import { RUNS } from './arbitraries.js';
import type { Reader } from './readers.js';

/** A process that SIGKILLs this one after `ms` unless stopped, saying why on stderr. */
function startWatchdog(ms: number, seed: number, inputFile: string): () => void {
  const script = `setTimeout(() => { process.stderr.write('fuzz watchdog: the reader hung (seed ${seed}); the input is in ${inputFile}\\n'); process.kill(${process.pid}, 'SIGKILL'); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  return () => child.kill();
}

/** Runs `reader` on `runs` inputs from `input`; resolves when every one gave a result or an exit-2 error. */
export async function fuzzReader(reader: Reader, input: fc.Arbitrary<string>, runs = RUNS, o: { watchdogMs?: number } = {}): Promise<void> {
  const seed = process.env.GCLIP_FUZZ_SEED ? Number(process.env.GCLIP_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const inputFile = join(tmpdir(), `gclip-fuzz-input-${process.pid}.txt`);
  const stop = o.watchdogMs ? startWatchdog(o.watchdogMs, seed, inputFile) : () => {};
  let count = 0;
  try {
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        if (o.watchdogMs) writeFileSync(inputFile, text);
        // Resolved promises never yield to timers; let vitest's own messages through now and then.
        if (++count % 200 === 0) await new Promise((r) => setImmediate(r));
        try {
          await reader(text);
        } catch (e) {
          if (isGclipError(e) && e.exitCode === 2 && e.issues.every((i) => !i.message.includes('undefined'))) return;
          throw e;
        }
      }),
      { numRuns: runs, seed },
    );
  } finally {
    stop();
  }
}
