/**
 * One backend's share of the benchmark, run in its own process (`node dist/bench/worker.js
 * '<json>'`) so every backend starts clean. Prints one JSON line (a `BackendResult`) on
 * stdout; progress goes to stderr.
 */
import { initBackend, type Concrete } from '../runtime/backend.js';
import { benchCase, benchConfig, type BenchModel } from './cases.js';
import { timeGclip, timeInterleaved, timePlain } from './loops.js';
import { probe } from './probe.js';
import { medianMs } from './stats.js';

/** What the parent asks of a worker. */
export interface WorkerRequest {
  readonly backend: Concrete;
  readonly models: readonly BenchModel[];
  /** Rounds per model; within a round the two loops alternate step by step. */
  readonly rounds: number;
  /** Steps dropped at the start of every run. */
  readonly warmup: number;
  /** Target wall time of one loop's timed steps in a round, ms (sets the step count). */
  readonly budgetMs: number;
  readonly minSteps: number;
  readonly maxSteps: number;
}

/** Timings of one model on one backend. */
export interface ModelResult {
  readonly model: BenchModel;
  readonly label: string;
  readonly backend: Concrete;
  readonly available: boolean;
  readonly error?: string;
  readonly plainMs?: number;
  readonly gclipMs?: number;
  /** gclipMs / plainMs − 1. */
  readonly overhead?: number;
  /** Medians of process CPU time per step (robust when other processes share the cores). */
  readonly plainCpuMs?: number;
  readonly gclipCpuMs?: number;
  /** gclipCpuMs / plainCpuMs − 1. */
  readonly overheadCpu?: number;
  /** The wall-time ratio per round (its spread shows the noise). */
  readonly roundOverheads?: number[];
  readonly stepsPerRound?: number;
  /** Host readbacks and tfjs kernels per step (difference of two probed runs). */
  readonly gclipReadbacksPerStep?: number;
  readonly gclipKernelsPerStep?: number;
  readonly plainKernelsPerStep?: number;
  readonly gclipStatus?: string;
}

export interface BackendResult {
  readonly backend: Concrete;
  readonly available: boolean;
  readonly error?: string;
  readonly models: ModelResult[];
}

const log = (s: string) => process.stderr.write(`${s}\n`);

async function perStepCounts(model: BenchModel, backend: Concrete) {
  const c = benchCase(model);
  const count = (steps: number, gclip: boolean) =>
    probe(() => (gclip ? timeGclip(benchConfig(c, steps, backend), backend, 0) : timePlain(benchConfig(c, steps, backend), 0)));
  const [g3, g8, p3, p8] = [await count(3, true), await count(8, true), await count(3, false), await count(8, false)];
  return {
    gclipReadbacksPerStep: (g8.readbacks - g3.readbacks) / 5,
    gclipKernelsPerStep: (g8.kernels - g3.kernels) / 5,
    plainKernelsPerStep: (p8.kernels - p3.kernels) / 5,
  };
}

async function benchModel(model: BenchModel, r: WorkerRequest): Promise<ModelResult> {
  const c = benchCase(model);
  const base = { model, label: c.label, backend: r.backend };
  try {
    // Estimate a step to size the rounds, then interleave the two loops.
    const probeRun = timePlain(benchConfig(c, r.warmup + 3, r.backend), r.warmup);
    const estimate = medianMs(probeRun.stepMs);
    const steps = Math.round(Math.min(r.maxSteps, Math.max(r.minSteps, r.budgetMs / estimate)));
    const config = benchConfig(c, r.warmup + steps, r.backend);
    const plain: number[] = [];
    const gclip: number[] = [];
    const plainCpu: number[] = [];
    const gclipCpu: number[] = [];
    const roundOverheads: number[] = [];
    let status = 'ok';
    for (let round = 0; round < r.rounds; round++) {
      const t = await timeInterleaved(config, r.backend, r.warmup);
      if (t.status !== 'ok') status = t.status;
      plain.push(...t.plainMs);
      gclip.push(...t.gclipMs);
      plainCpu.push(...t.plainCpuMs);
      gclipCpu.push(...t.gclipCpuMs);
      roundOverheads.push(medianMs(t.gclipMs) / medianMs(t.plainMs) - 1);
    }
    const [plainMs, gclipMs] = [medianMs(plain), medianMs(gclip)];
    const [plainCpuMs, gclipCpuMs] = [medianMs(plainCpu), medianMs(gclipCpu)];
    log(`  ${r.backend} ${model}: plain ${plainMs.toFixed(2)} ms, gclip ${gclipMs.toFixed(2)} ms (${((gclipMs / plainMs - 1) * 100).toFixed(1)}%); cpu ${plainCpuMs.toFixed(2)} / ${gclipCpuMs.toFixed(2)} ms (${((gclipCpuMs / plainCpuMs - 1) * 100).toFixed(1)}%)`);
    const counts = await perStepCounts(model, r.backend);
    return { ...base, available: true, plainMs, gclipMs, overhead: gclipMs / plainMs - 1, plainCpuMs, gclipCpuMs, overheadCpu: gclipCpuMs / plainCpuMs - 1, roundOverheads, stepsPerRound: steps, gclipStatus: status, ...counts };
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    log(`  ${r.backend} ${model}: not available (${error})`);
    return { ...base, available: false, error };
  }
}

/** Runs every requested model on one backend. */
export async function runWorker(r: WorkerRequest): Promise<BackendResult> {
  try {
    await initBackend(r.backend);
  } catch (e) {
    return { backend: r.backend, available: false, error: (e as Error).message.split('\n')[0]!, models: [] };
  }
  const models: ModelResult[] = [];
  for (const m of r.models) models.push(await benchModel(m, r));
  return { backend: r.backend, available: true, models };
}

const request = JSON.parse(process.argv[2] ?? '{}') as WorkerRequest;
process.stdout.write(JSON.stringify(await runWorker(request)) + '\n');
