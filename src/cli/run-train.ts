/**
 * The heavy half of `gclip train`, imported lazily so `--help` never loads tfjs:
 * backend → session with progress → summary (table or JSON) → exit code.
 */
import type { ChalkInstance } from 'chalk';
import type { RunConfig } from '../config/schema.js';
import { EXIT } from '../errors.js';
import { ciSafeJson } from '../guard/neutralize.js';
import type { RunSummary } from '../record.js';
import { stringifyWithNonFinite } from '../report/codec.js';
import { initBackend, type BackendChoice } from '../runtime/backend.js';
import { runSession } from '../train/session.js';
import { plannedSteps } from '../train/setup.js';
import type { CliIO } from './io.js';
import type { TrainFlags } from './commands/train.js';
import { createProgressSink } from './render/progress.js';
import { renderRunSummary } from './render/summary.js';

/** The backend line printed before training: which one runs and why not a faster one. */
export function backendLine(choice: BackendChoice): string {
  const failed = choice.attempts.filter((a) => !a.loaded).map((a) => a.name);
  return `backend: ${choice.name}${failed.length ? ` (${failed.join(', ')} did not load; \`gclip doctor\` says why)` : ''}`;
}

/** Exit code of a finished run: 0 stable, 1 unstable or halted. */
export function exitCodeFor(summary: RunSummary): number {
  return summary.status === 'ok' ? EXIT.ok : EXIT.unstable;
}

export async function runTrainCommand(
  config: RunConfig,
  flags: TrainFlags,
  r: { io: CliIO; errColor: ChalkInstance; outColor: ChalkInstance },
): Promise<number> {
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
    tensorboardDir: typeof flags.tensorboard === 'string' ? flags.tensorboard : config.log.tensorboard,
    signal: r.io.signal,
  });
  r.io.out(flags.json ? ciSafeJson(stringifyWithNonFinite(summary)) + '\n' : renderRunSummary(summary, r.outColor));
  return exitCodeFor(summary);
}
