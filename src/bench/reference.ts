/**
 * The bench's Python references (`bench/*.py`): spawned, their last JSON line parsed, and
 * skipped with a reason when the interpreter or a package is missing. No test and no CI
 * step needs them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastJsonLine, runChild } from './spawn.js';

/** A reference that ran (`available: true` and its own fields) or why it did not. */
export type Reference<T> = ({ readonly available: true } & T) | { readonly available: false; readonly reason: string };

/** How to run one reference script. */
export interface ReferenceRun {
  /** The interpreter: an absolute path, or a name looked up on PATH. */
  readonly python: string;
  /** Script path relative to the project root. */
  readonly script: string;
  readonly args: readonly string[];
  /** Variables set (a string) or removed (null) for this run only. */
  readonly env?: Readonly<Record<string, string | null>>;
  /** Runs under `taskset -c 0` (one core) when taskset exists. */
  readonly pinned?: boolean;
  /** Progress lines of the script (stderr) are echoed. */
  readonly echo?: boolean;
}

const TASKSET = '/usr/bin/taskset';

/** The environment of `run`: the bench's own with its changes applied. */
function environment(run: ReferenceRun): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(run.env ?? {})) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs a reference script from `root` and returns its JSON line, or why there is none. */
export async function runReference<T>(root: string, run: ReferenceRun): Promise<Reference<T>> {
  if (run.python.includes('/') && !existsSync(run.python)) return { available: false, reason: `${run.python} not found` };
  const [cmd, args] = run.pinned && existsSync(TASKSET) ? [TASKSET, ['-c', '0', run.python]] : [run.python, []];
  try {
    const r = await runChild(cmd, [...args, join(root, run.script), ...run.args], { cwd: root, env: environment(run), echo: run.echo });
    const parsed = lastJsonLine<Reference<T>>(r.stdout);
    if (r.code === 0 && parsed) return parsed;
    const missing = /No module named '([^']+)'/.exec(r.stderr)?.[1];
    const why = missing ? `the Python module ${missing} is not installed` : (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`);
    return { available: false, reason: why };
  } catch (e) {
    return { available: false, reason: `${run.python} could not start (${(e as Error).message})` };
  }
}
