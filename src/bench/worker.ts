/**
 * One backend's share of the benchmark, run in its own process (`node dist/bench/worker.js
 * '<json>'`) so every backend starts clean. Prints one JSON line (a `BackendResult`) on
 * stdout; progress goes to stderr.
 */
import { initBackend, type Concrete } from '../runtime/backend.js';
import { benchCase, benchConfig, type BenchModel } from './cases.js';
import { timeGclip, timePlain, timeRounds, type RoundSettings } from './loops.js';
import { probe } from './probe.js';

/** What the parent asks of a worker: the backend, the models and the rounds (within a round the two loops alternate step by step). */
export interface WorkerRequest extends RoundSettings {
  readonly backend: Concrete;
  readonly models: readonly BenchModel[];
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
    const t = await timeRounds((steps) => benchConfig(c, steps, r.backend), r.backend, r);
    const { plainMs, gclipMs, plainCpuMs, gclipCpuMs } = t;
    log(`  ${r.backend} ${model}: plain ${plainMs.toFixed(2)} ms, gclip ${gclipMs.toFixed(2)} ms (${((gclipMs / plainMs - 1) * 100).toFixed(1)}%); cpu ${plainCpuMs.toFixed(2)} / ${gclipCpuMs.toFixed(2)} ms (${((gclipCpuMs / plainCpuMs - 1) * 100).toFixed(1)}%)`);
    const counts = await perStepCounts(model, r.backend);
    return { ...base, available: true, plainMs, gclipMs, overhead: gclipMs / plainMs - 1, plainCpuMs, gclipCpuMs, overheadCpu: gclipCpuMs / plainCpuMs - 1, roundOverheads: t.roundOverheads, stepsPerRound: t.stepsPerRound, gclipStatus: t.status, ...counts };
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
