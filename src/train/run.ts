/**
 * `train(config)`: the library entry the CLI calls. Activates a backend, builds the plan,
 * opens the sinks, runs the loop, closes the sinks (also after a halt or an error) and
 * releases every tensor of the run.
 */
import { resolveStrategy } from '../clip/plugin.js';
import type { RunConfig } from '../config/schema.js';
import type { RunSummary, StepRecord } from '../record.js';
import { createCheckpointWriter, type LoadedCheckpoint } from './checkpoint.js';
import { disposeSnapshot, restoreTensors } from './snapshot.js';
import type { Sink } from '../report/sinks/types.js';
import { initBackend } from '../runtime/backend.js';
import { inputError, isGclipError } from '../errors.js';
import { runLoop } from './loop.js';
import { planFaults } from './inject.js';
import { join } from 'node:path';
import { diagnoseGradientScale } from '../data/scale.js';
import { runSettings } from '../log/settings.js';
import { saveModel } from '../models/save.js';
import { loadPlan, type LoadedPlan } from './setup.js';
import { writeBadRows } from './bad-rows.js';
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
  /** Write checkpoints into `runDir` (needs a run directory and its steps.jsonl). */
  readonly checkpoint?: { readonly every: number; readonly keep: number; readonly stepsFile: string };
  /** Stop after this step (`gclip replay`); default: the end of the plan. */
  readonly lastStep?: number;
  /** Where each config field came from (`ResolvedConfig.provenance`): recorded in config.json and the summary's settings. */
  readonly provenance?: Readonly<Record<string, string>>;
  /** Continue from this checkpoint; `history` holds the records the log keeps before it. */
  readonly resume?: { readonly checkpoint: LoadedCheckpoint; readonly history: readonly StepRecord[] };
}

/** Pre-clip norms of this many first steps feed the gradient-scale diagnosis. */
const GRADIENT_SCALE_STEPS = 10;
/** Sub-directory of the run directory holding the trained model (model.json + weights). */
export const MODEL_DIR = 'model';

function hintsFor(plan: LoadedPlan, firstNorms: readonly number[], data: RunConfig['data'], clip: RunConfig['clip']): string[] {
  // Synthetic tasks are generated at unit scale: only a data file can be "not normalised".
  const normalized = data.kind !== 'file' || data.normalize;
  const clipping = clip.kind === 'none' ? null : `clip.kind ${clip.kind}${'maxNorm' in clip ? `, max norm ${String(clip.maxNorm)}` : ''}`;
  const scale = [...plan.scaleHints, ...diagnoseGradientScale(firstNorms, { normalized, clipping })].map((h) => `${h.message}; ${h.hint}`);
  return [...plan.dataNotes, ...scale];
}

/**
 * Runs `fn`; when a user's model fails inside tfjs (an op without a gradient on this
 * backend, a layer tfjs cannot differentiate), that is a fact about the model, reported as
 * bad input (exit 2) with the backend named, not as a gclip bug (exit 3).
 */
async function untrainable<T>(plan: LoadedPlan, backend: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (plan.modelSource === 'builtin' || isGclipError(e) || !(e instanceof Error)) throw e;
    throw inputError('model_not_trainable', {
      path: 'model.path',
      message: `TensorFlow.js cannot train this model on the ${backend} backend: ${e.message.split('\n')[0]}`,
      hint: 'Try --backend cpu (tfjs\'s reference backend), or replace the layer the message names.',
    });
  }
}

/** Trains `config` to the end or a halt and returns the run's summary. */
export async function train(config: RunConfig, options: TrainOptions = {}): Promise<RunSummary> {
  const backend = options.backend ?? (await initBackend(config.backend)).name;
  const sinks = options.sinks ?? [];
  const runDir = options.runDir ?? null;
  const now = options.now ?? (() => performance.now());
  const strategy = await resolveStrategy(config.clip, { cwd: options.cwd ?? process.cwd() });
  const plan = await loadPlan(config, { cwd: options.cwd ?? process.cwd() });
  const firstNorms: number[] = (options.resume?.history ?? []).slice(0, GRADIENT_SCALE_STEPS).map((r) => r.preClipNorm);
  const watch: Sink = {
    name: 'scale-watch',
    open: async () => {},
    write: async (r) => void (firstNorms.length < GRADIENT_SCALE_STEPS && firstNorms.push(r.preClipNorm)),
    close: async () => {},
  };
  const meta = { runDir: runDir ?? '', config, provenance: options.provenance, backend, startedAt: options.startedAt ?? new Date(0).toISOString() };
  let handed = false; // runLoop owns the resumed ring's tensors from its call on
  const handOver = <T>(looping: T): T => ((handed = true), looping);
  try {
    const faults = planFaults(config.inject, plan);
    const resume = options.resume;
    if (resume) {
      await restoreTensors(plan, resume.checkpoint.tensors);
      disposeSnapshot(resume.checkpoint.tensors);
    }
    const checkpoint = options.checkpoint && runDir !== null
      ? { every: options.checkpoint.every, write: createCheckpointWriter({ runDir, plan, config, backend, stepsFile: options.checkpoint.stepsFile }, options.checkpoint.keep) }
      : undefined;
    for (const sink of sinks) await wrapSinkError(sink, 'open', () => sink.open(meta));
    const looped = await untrainable(plan, backend, () => handOver(runLoop({
      plan,
      strategy,
      normType: config.clip.normType,
      detect: config.detect,
      evalEvery: config.train.evalEvery,
      sinks: [watch, ...sinks],
      backend,
      runDir,
      now,
      signal: options.signal,
      histogramEvery: options.histogramEvery ?? 0,
      start: resume ? { state: resume.checkpoint.state.loop, history: resume.history, ring: resume.checkpoint.ring } : undefined,
      checkpoint,
      faults,
      lastStep: options.lastStep,
    })));
    const settings = runSettings(config, options.provenance, { lossUsed: plan.lossName, lossFromModel: plan.lossFromModel });
    const byDesign = strategy.clipRateByDesign === true ? { clipRateByDesign: true as const } : {};
    const hinted = { ...looped, hints: hintsFor(plan, firstNorms, config.data, config.clip), settings, ...byDesign };
    const summary = runDir !== null ? await writeBadRows(runDir, hinted, plan.origin) : hinted;
    if (runDir !== null) await saveModel(plan.model, join(runDir, MODEL_DIR), { normalization: plan.normalization });
    for (const sink of sinks) await wrapSinkError(sink, 'close', () => sink.close(summary));
    return summary;
  } finally {
    if (!handed) for (const entry of options.resume?.checkpoint.ring?.entries ?? []) disposeSnapshot(entry.tensors);
    plan.dispose();
  }
}
