/**
 * `train(config)`: the library entry the CLI calls. Activates a backend, builds the plan,
 * opens the sinks, runs the loop, closes the sinks (also after a halt or an error) and
 * releases every tensor of the run.
 */
import { resolveStrategy } from '../clip/plugin.js';
import type { RunConfig } from '../config/schema.js';
import type { RunSummary } from '../record.js';
import type { Sink } from '../report/sinks/types.js';
import { initBackend } from '../runtime/backend.js';
import { runLoop } from './loop.js';
import { buildPlan } from './setup.js';
import { wrapSinkError } from './sink-errors.js';

export interface TrainOptions {
  /** Where the run's artefacts go (reported in the summary); sinks decide what to write. */
  readonly runDir?: string | null;
  readonly sinks?: readonly Sink[];
  /** Backend already activated by the caller (`initBackend`); else `config.backend` is. */
  readonly backend?: string;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  /** Gradient values for histogram sinks every N steps (0 = never; same single readback). */
  readonly histogramEvery?: number;
  /** Directory that relative plugin paths (`clip.module`) resolve against; default process.cwd(). */
  readonly cwd?: string;
  /** ISO timestamp of the start, for sink metadata. */
  readonly startedAt?: string;
}

function fixedThreshold(clip: RunConfig['clip']): number | null {
  if (clip.kind === 'norm') return clip.maxNorm;
  if (clip.kind === 'value') return clip.clipValue;
  return null;
}

/** Trains `config` to the end or a halt and returns the run's summary. */
export async function train(config: RunConfig, options: TrainOptions = {}): Promise<RunSummary> {
  const backend = options.backend ?? (await initBackend(config.backend)).name;
  const sinks = options.sinks ?? [];
  const runDir = options.runDir ?? null;
  const now = options.now ?? (() => performance.now());
  const strategy = await resolveStrategy(config.clip, { cwd: options.cwd ?? process.cwd() });
  const plan = buildPlan(config);
  const meta = { runDir: runDir ?? '', config, backend, startedAt: options.startedAt ?? new Date(0).toISOString() };
  try {
    for (const sink of sinks) await wrapSinkError(sink, 'open', () => sink.open(meta));
    const summary = await runLoop({
      plan,
      strategy,
      normType: config.clip.normType,
      detect: config.detect,
      evalEvery: config.train.evalEvery,
      sinks,
      backend,
      runDir,
      now,
      signal: options.signal,
      histogramEvery: options.histogramEvery ?? 0,
      fixedThreshold: fixedThreshold(config.clip),
    });
    for (const sink of sinks) await wrapSinkError(sink, 'close', () => sink.close(summary));
    return summary;
  } finally {
    plan.dispose();
  }
}
