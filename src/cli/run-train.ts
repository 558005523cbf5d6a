/**
 * The heavy half of `gclip train`, imported lazily so `--help` never loads tfjs:
 * backend → session with progress → summary (table or JSON) → exit code.
 */
import type { ChalkInstance } from 'chalk';
import type { ResolvedConfig } from '../config/merge.js';
import type { RunConfig } from '../config/schema.js';
import { EXIT } from '../errors.js';
import { ciSafeJson, neutralize } from '../guard/neutralize.js';
import type { RunSummary } from '../record.js';
import { stringifyWithNonFinite } from '../log/codec.js';
import { initBackend, type BackendChoice } from '../runtime/backend.js';
import { finishedRun, runSession } from '../train/session.js';
import { resolve } from 'node:path';
import { plannedSteps } from '../train/setup.js';
import type { CliIO } from './io.js';
import { createProgressSink } from './render/progress.js';
import { renderRunSummary } from './render/summary.js';

/** The flags of `gclip train` that shape its output and run directory (config flags are in the config). */
export interface TrainFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly overwrite?: boolean;
  /** Continue the run in this directory (`--resume`). */
  readonly resume?: string;
  /** Resume despite a changed config or backend. */
  readonly force?: boolean;
}

/** The backend line printed before training: which one runs and why not a faster one. */
export function backendLine(choice: BackendChoice): string {
  const failed = choice.attempts.filter((a) => !a.loaded).map((a) => a.name);
  return `backend: ${choice.name}${failed.length ? ` (${failed.join(', ')} did not load; \`gclip doctor\` says why)` : ''}`;
}

/** Exit code of a finished run: 0 stable, 1 unstable, halted or interrupted (main.ts turns an interrupt into 130/143). */
export function exitCodeFor(summary: RunSummary): number {
  return summary.status === 'ok' ? EXIT.ok : EXIT.unstable;
}

/** Trains `config` with progress on stderr and the summary on stdout; returns the exit code. */
export async function runTrainCommand(
  { config, provenance }: { config: RunConfig; provenance?: ResolvedConfig['provenance'] },
  flags: TrainFlags,
  r: { io: CliIO; errColor: ChalkInstance; outColor: ChalkInstance },
): Promise<number> {
  if (flags.resume !== undefined) {
    const done = await finishedRun(resolve(r.io.cwd, flags.resume));
    if (done !== null) {
      r.io.err(`${flags.resume}: the run already finished (status ${done.status} after ${done.steps} steps); nothing to resume\n`);
      r.io.out(flags.json ? ciSafeJson(stringifyWithNonFinite(done)) + '\n' : renderRunSummary(done, r.outColor));
      return EXIT.ok;
    }
  }
  const choice = await initBackend(config.backend);
  if (!flags.quiet) r.io.err(r.errColor.dim(backendLine(choice)) + '\n');
  const progress = createProgressSink({
    io: r.io,
    color: r.errColor,
    totalSteps: plannedSteps(config),
    every: config.log.every,
    quiet: Boolean(flags.quiet),
  });
  const summary = await runSession(config, {
    cwd: r.io.cwd,
    startedAt: new Date(),
    backend: choice.name,
    sinks: [progress],
    overwrite: Boolean(flags.overwrite),
    tensorboardDir: config.log.tensorboard,
    signal: r.io.signal,
    resume: flags.resume,
    force: Boolean(flags.force),
    provenance,
    onNote: (note) => r.io.err(r.errColor.yellow(`! ${neutralize(note)}`) + '\n'),
  });
  r.io.out(flags.json ? ciSafeJson(stringifyWithNonFinite(summary)) + '\n' : renderRunSummary(summary, r.outColor));
  return exitCodeFor(summary);
}
