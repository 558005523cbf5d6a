/**
 * `gclip replay RUN_DIR --step K`: recomputes one logged step and compares it with the log
 * (docs/replay.md). Training restarts from the newest complete checkpoint at or before K
 * (its weights, optimizer, clip and detector state), or from the start with the run's seed
 * when there is none, and stops after step K; the recomputed record is compared quantity
 * by quantity (`replay-compare.ts`). On the run's own backend every quantity must be
 * bit-equal (determinism); on another, within a relative tolerance.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { inputError } from '../errors.js';
import { parseGclipJsonl } from '../log/jsonl.js';
import { parseRunOutcome } from '../log/run-dir.js';
import { RUN_FILES } from '../log/types.js';
import type { StepRecord } from '../record.js';
import { fileSize, loadLatestCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import { compareRecords, CROSS_BACKEND_RTOL, type ReplayQuantity } from './replay-compare.js';
import { train } from './run.js';

/** What to replay. */
export interface ReplayOptions {
  readonly runDir: string;
  readonly step: number;
  /** The backend that replays (already activated by the caller). */
  readonly backend: string;
  /** Relative tolerance on another backend than the run's (default `CROSS_BACKEND_RTOL`); the run's own backend always asks for bit-equality. */
  readonly rtol?: number;
  /** Directory that relative plugin paths in the config resolve against. */
  readonly cwd?: string;
}

/** Where the replay started. */
export type ReplayStart = { readonly kind: 'checkpoint'; readonly step: number } | { readonly kind: 'start' };

/** A replay's verdict. */
export interface ReplayResult {
  readonly runDir: string;
  readonly step: number;
  readonly from: ReplayStart;
  readonly backend: string;
  /** The backend the run trained on (summary.json, else the checkpoint replayed from), or null when neither says. */
  readonly loggedBackend: string | null;
  readonly sameBackend: boolean;
  /** 0 on the run's own backend (bit-equality), else the relative tolerance used. */
  readonly rtol: number;
  /** Every compared quantity within tolerance. */
  readonly agreed: boolean;
  /** The first quantity beyond tolerance, in comparison order, or null. */
  readonly firstDifference: ReplayQuantity | null;
  readonly quantities: readonly ReplayQuantity[];
}

function replayError(code: 'not_a_run_dir' | 'replay_step_missing', message: string, hint: string, source: string) {
  return inputError(code, { path: '', message, hint, source });
}

/** The run's records; a directory without `steps.jsonl` is not a run (exit 2). */
export async function runRecords(runDir: string): Promise<readonly StepRecord[]> {
  const steps = join(runDir, RUN_FILES.steps);
  if ((await fileSize(steps)) < 0) {
    throw replayError('not_a_run_dir', `${runDir} is not a run directory: it has no ${RUN_FILES.steps}`, 'Pass the directory gclip train wrote (its --out, or runs/<timestamp>-<name>).', runDir);
  }
  return parseGclipJsonl(await readFile(steps, 'utf8'), steps).records;
}

/** The logged record of `step`, or a `replay_step_missing` error naming the log's range. */
export function loggedStep(records: readonly StepRecord[], step: number, runDir: string): StepRecord {
  const found = records.find((r) => r.step === step);
  if (found) return found;
  const range = records.length === 0 ? 'no steps' : `steps ${records[0]!.step} to ${records.at(-1)!.step}`;
  throw replayError('replay_step_missing', `${runDir} logs ${range}; step ${step} is not among them`, 'Pick a step the log holds (gclip report shows the range).', '--step');
}

/** The backend summary.json says trained the run, or null (no summary: an interrupted run). */
export async function summaryBackend(runDir: string): Promise<string | null> {
  const file = join(runDir, RUN_FILES.summary);
  return (await fileSize(file)) < 0 ? null : parseRunOutcome(await readFile(file, 'utf8'), file).backend;
}

/** Trains `config` from `checkpoint` (or the start) to `step` and returns that step's record. */
async function recompute(config: RunConfig, o: ReplayOptions, checkpoint: LoadedCheckpoint | null): Promise<StepRecord | undefined> {
  const out: StepRecord[] = [];
  const sink = { name: 'replay', open: async () => {}, write: async (r: StepRecord) => void out.push(r), close: async () => {} };
  await train(config, {
    backend: o.backend,
    sinks: [sink],
    now: () => 0,
    cwd: o.cwd,
    lastStep: o.step,
    // Histogram steps take the general step path: replay them as the run did.
    histogramEvery: config.log.tensorboard === undefined ? 0 : config.log.histogramEvery,
    resume: checkpoint ? { checkpoint, history: [] } : undefined,
  });
  return out.find((r) => r.step === o.step);
}

/**
 * Replays step `o.step` of the run in `o.runDir` trained with `config` (its config.json)
 * and compares it with the logged record. Throws GclipError (exit 2) for a directory that
 * is not a run or a step its log does not hold.
 */
export async function replayStep(config: RunConfig, o: ReplayOptions): Promise<ReplayResult> {
  const logged = loggedStep(await runRecords(o.runDir), o.step, o.runDir);
  const fromSummary = await summaryBackend(o.runDir);
  const checkpoint = await loadLatestCheckpoint(o.runDir, o.step);
  const from: ReplayStart = checkpoint ? { kind: 'checkpoint', step: checkpoint.state.loop.step } : { kind: 'start' };
  const loggedBackend = fromSummary ?? checkpoint?.state.backend ?? null;
  const replayed = await recompute(config, o, checkpoint);
  if (replayed === undefined) {
    throw replayError('replay_step_missing', `the replay stopped before step ${o.step} (the run halted earlier on ${o.backend})`, 'Replay on the run\'s own backend, or an earlier step.', '--step');
  }
  const sameBackend = loggedBackend === o.backend;
  const rtol = sameBackend ? 0 : o.rtol ?? CROSS_BACKEND_RTOL;
  const quantities = compareRecords(logged, replayed, rtol);
  const firstDifference = quantities.find((q) => !q.within) ?? null;
  return { runDir: o.runDir, step: o.step, from, backend: o.backend, loggedBackend, sameBackend, rtol, agreed: firstDifference === null, firstDifference, quantities };
}
