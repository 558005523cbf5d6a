/**
 * The two loops the benchmark compares, timed step by step in this process:
 * - plain: what a user writes by hand in tfjs — `optimizer.minimize` on the same model,
 *   data, batch order and optimizer, no diagnostics and no host readback;
 * - gclip: `train()` itself with global-norm clipping, the default detectors (finiteness,
 *   spike, divergence), per-layer pre/post norms and the JSONL run log in a temp dir.
 * Both build their plan with `buildPlan`, so they start from the same weights.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { createJsonlSink } from '../report/sinks/jsonl.js';
import type { Sink } from '../report/sinks/types.js';
import { tf, type Tensor, type Variable } from '../runtime/tf.js';
import { train } from '../train/run.js';
import { buildPlan } from '../train/setup.js';
import { deltas, medianMs } from './stats.js';

/** Per-step wall times (ms) of one timed run, warm-up steps dropped. */
export interface LoopTiming {
  readonly stepMs: number[];
  /** gclip only: the run's status (a halted run times fewer steps). */
  readonly status?: string;
}

/**
 * Runs `config.train.steps` steps of the hand-written loop and returns the durations of
 * the steps after the first `warmup`. Each step: batch tensors → minimize → dispose.
 */
export function timePlain(config: RunConfig, warmup: number): LoopTiming {
  const plan = buildPlan(config);
  const stamps = [performance.now()];
  try {
    for (let step = 0; step < plan.totalSteps; step++) {
      plainStep(plan, step);
      stamps.push(performance.now());
    }
  } finally {
    plan.dispose();
  }
  return { stepMs: deltas(stamps).slice(warmup) };
}

/** A sink that stamps the clock at every record (after the JSONL sink wrote it). */
function timerSink(stamps: number[]): Sink {
  return { name: 'bench-timer', open: async () => {}, write: async () => void stamps.push(performance.now()), close: async () => {} };
}

/**
 * Runs gclip's `train()` with a JSONL sink in a fresh temp dir and returns the durations
 * of the steps after the first `warmup` (the time between successive records, so each
 * includes the readback, detectors, policy, update and the JSONL write).
 */
export async function timeGclip(config: RunConfig, backend: string, warmup: number): Promise<LoopTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-bench-'));
  const stamps: number[] = [];
  try {
    const summary = await train(config, { backend, runDir: dir, sinks: [createJsonlSink(dir), timerSink(stamps)] });
    // stamps[i] is the end of step i, so delta j is step j + 1: drop warmup − 1 of them.
    return { stepMs: deltas(stamps).slice(Math.max(0, warmup - 1)), status: summary.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Paired per-step times of the two loops, run step by step in turn. */
export interface PairedTiming {
  readonly plainMs: number[];
  readonly gclipMs: number[];
  /** The same steps in process CPU time (ms): immune to preemption by other processes. */
  readonly plainCpuMs: number[];
  readonly gclipCpuMs: number[];
  readonly status: string;
}

/** Process CPU time (user + system, all threads) in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Interleaves the two loops step by step, so that both see the same machine load (the
 * benchmark shares its cores with whatever else runs): gclip's `train()` runs with a
 * JSONL sink and, last, a sink that on each record runs and times one plain step on its
 * own copy of the model. A gclip step is the time from that sink's return to its next
 * call (a full iteration: batch, forward/backward, norms, clip, readback, detectors,
 * update, JSONL write); the plain step is timed inside the sink. Wall and CPU time are
 * both kept; `warmup` steps of each are dropped.
 */
export async function timeInterleaved(config: RunConfig, backend: string, warmup: number): Promise<PairedTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'gclip-bench-'));
  const plan = buildPlan(config);
  const t = { plainMs: [] as number[], gclipMs: [] as number[], plainCpuMs: [] as number[], gclipCpuMs: [] as number[] };
  let resumed: [number, number] | null = null;
  let step = 0;
  const pairing: Sink = {
    name: 'bench-pairing',
    open: async () => {},
    write: async () => {
      const [w0, c0] = [performance.now(), cpuMs()];
      if (resumed) {
        t.gclipMs.push(w0 - resumed[0]);
        t.gclipCpuMs.push(c0 - resumed[1]);
      }
      plainStep(plan, step++);
      const [w1, c1] = [performance.now(), cpuMs()];
      t.plainMs.push(w1 - w0);
      t.plainCpuMs.push(c1 - c0);
      resumed = [performance.now(), cpuMs()];
    },
    close: async () => {},
  };
  try {
    const summary = await train(config, { backend, runDir: dir, sinks: [createJsonlSink(dir), pairing] });
    // gclip times [j] are step j + 1 (step 0 has no start stamp).
    const g = Math.max(0, warmup - 1);
    return {
      plainMs: t.plainMs.slice(warmup),
      gclipMs: t.gclipMs.slice(g),
      plainCpuMs: t.plainCpuMs.slice(warmup),
      gclipCpuMs: t.gclipCpuMs.slice(g),
      status: summary.status,
    };
  } finally {
    plan.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many interleaved rounds of how many steps to time (the bench's quick or full settings). */
export interface RoundSettings {
  readonly rounds: number;
  /** Steps dropped at the start of every run. */
  readonly warmup: number;
  /** Target wall time of one loop's timed steps in a round, ms (sets the step count). */
  readonly budgetMs: number;
  readonly minSteps: number;
  readonly maxSteps: number;
}

/** Medians over every round's timed steps of the two loops, wall and CPU time. */
export interface RoundMedians {
  readonly plainMs: number;
  readonly gclipMs: number;
  readonly plainCpuMs: number;
  readonly gclipCpuMs: number;
  /** gclip / plain − 1 of each round's medians (their spread shows the noise). */
  readonly roundOverheads: number[];
  readonly stepsPerRound: number;
  /** `ok`, or the last non-ok status of gclip's runs. */
  readonly status: string;
}

/**
 * Sizes a round from a plain step's `estimateMs` against `budgetMs` (without one, from a
 * short plain run), then runs `rounds` rounds of {@link timeInterleaved} on
 * `configFor(steps)` and takes medians of all their timed steps.
 */
export async function timeRounds(configFor: (steps: number) => RunConfig, backend: string, s: RoundSettings, estimateMs?: number): Promise<RoundMedians> {
  const estimate = estimateMs ?? medianMs(timePlain(configFor(s.warmup + 3), s.warmup).stepMs);
  const steps = Math.round(Math.min(s.maxSteps, Math.max(s.minSteps, s.budgetMs / estimate)));
  const all = { plainMs: [] as number[], gclipMs: [] as number[], plainCpuMs: [] as number[], gclipCpuMs: [] as number[] };
  const roundOverheads: number[] = [];
  let status = 'ok';
  for (let round = 0; round < s.rounds; round++) {
    const t = await timeInterleaved(configFor(s.warmup + steps), backend, s.warmup);
    if (t.status !== 'ok') status = t.status;
    for (const k of Object.keys(all) as Array<keyof typeof all>) all[k].push(...t[k]);
    roundOverheads.push(medianMs(t.gclipMs) / medianMs(t.plainMs) - 1);
  }
  const m = (k: keyof typeof all) => medianMs(all[k]);
  return { plainMs: m('plainMs'), gclipMs: m('gclipMs'), plainCpuMs: m('plainCpuMs'), gclipCpuMs: m('gclipCpuMs'), roundOverheads, stepsPerRound: steps, status };
}

/** One step of the hand-written loop. */
function plainStep(plan: ReturnType<typeof buildPlan>, step: number): void {
  tf.tidy(() => {
    const { xs, ys } = plan.batch(step);
    plan.optimizer.minimize(() => plan.loss(ys, plan.model.apply(xs, { training: true }) as Tensor), false, plan.vars as Variable[]);
  });
}
