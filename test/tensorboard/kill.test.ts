/**
 * `kill -9` in the middle of a run: the TensorBoard event file holds every step the loop
 * finished (it is written step by step, not buffered to 1 MiB), and a record torn by the
 * kill is skipped by the reader as TensorBoard skips it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/report/tensorboard/proto.js';
import { decodeTfRecords } from '../../src/report/tensorboard/tfrecord.js';

const BIN = fileURLToPath(new URL('../../bin/gclip.js', import.meta.url));

async function completeLines(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const text = await readFile(file, 'utf8');
  return text.split('\n').length - 1;
}

/** Steps of the summary events in an event file, reading past a torn last record. */
function stepsIn(bytes: Uint8Array): number[] {
  return decodeTfRecords(bytes, { tornTail: 'stop' }).map(decodeEvent).filter((e) => e.summary !== undefined).map((e) => e.step);
}

describe('TensorBoard event file after kill -9', () => {
  it('keeps every finished step, and the reader skips a torn last record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gclip-tb-kill-'));
    const child = spawn(process.execPath, [BIN, 'train', '--steps', '1000000', '--out', 'run', '--tensorboard', 'tb', '--backend', 'cpu', '--quiet'], { cwd: dir, stdio: 'ignore' });
    const exited = once(child, 'exit');
    // Wait for a condition, not a time: at least 60 steps logged.
    while ((await completeLines(join(dir, 'run', 'steps.jsonl'))) < 60) await sleep(50);
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    const logged = await completeLines(join(dir, 'run', 'steps.jsonl'));
    const [name] = (await readdir(join(dir, 'tb'))).filter((n) => n.includes('tfevents'));
    const bytes = new Uint8Array(await readFile(join(dir, 'tb', name!)));
    const steps = stepsIn(bytes);
    // The loop awaits the event of step s before it starts step s + 1, so at most the
    // step in flight is missing relative to the JSONL log.
    expect(steps.length).toBeGreaterThanOrEqual(logged - 1);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i));

    // A record cut mid-write: the strict reader says so, the tolerant one drops only it.
    const torn = bytes.subarray(0, bytes.length - 5);
    expect(() => decodeTfRecords(torn)).toThrow(/truncated record data/);
    expect(stepsIn(torn)).toEqual(steps.slice(0, -1));
  });
});
