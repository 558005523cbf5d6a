/**
 * `model.fit` with `monitor()` against plain `model.fit` (issue #18): the bench MLP and LSTM
 * (`cases.ts`: batch 64, Adam 1e-3, global-norm clip at 1, default detectors, the JSONL run
 * log in a temp dir), per backend in its own process:
 * `node dist/bench/monitor.js '{"backend":"wasm","rounds":6,"steps":60,"warmup":5}'`.
 * Short runs of the two sides alternate (plain, monitor, monitor, plain, …) so that both
 * see the same machine load; per-step times come from a `fit` callback stamping the clock at
 * every batch end, warm-up steps dropped; host readbacks per step are counted on the
 * backend. Prints one JSON line (`MonitorBenchResult`); `run.ts` renders the table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitor } from '../monitor/node.js';
import { initBackend, type Concrete } from '../runtime/backend.js';
import { tf, type Tensor } from '../runtime/tf.js';
import { buildPlan } from '../train/setup.js';
import { benchCase, benchConfig, type BenchModel } from './cases.js';
import { deltas, medianMs, round } from './stats.js';

/** What the parent asks of the process. */
export interface MonitorBenchRequest {
  readonly backend: Concrete;
  readonly models?: readonly BenchModel[];
  readonly rounds: number;
  /** Steps (batches) per timed fit. */
  readonly steps: number;
  readonly warmup: number;
}

/** One model on one backend: medians of per-step wall time and readbacks per step. */
export interface MonitorBenchRow {
  readonly model: BenchModel;
  readonly label: string;
  readonly backend: Concrete;
  readonly plainMs: number | null;
  readonly monitorMs: number | null;
  /** monitorMs / plainMs − 1. */
  readonly overhead: number | null;
  readonly plainReadsPerStep: number;
  readonly monitorReadsPerStep: number;
}

export interface MonitorBenchResult {
  readonly backend: Concrete;
  readonly available: boolean;
  readonly error?: string;
  readonly rows: MonitorBenchRow[];
}

/** Counts host readbacks (`readSync` and `read`) of the active backend. */
function countReads(): { count: () => number; restore: () => void } {
  const backend = tf.backend() as unknown as { readSync(id: unknown): unknown; read(id: unknown): Promise<unknown> };
  const [readSync, read] = [backend.readSync, backend.read];
  let n = 0;
  backend.readSync = function (id) { n++; return readSync.call(this, id); };
  backend.read = function (id) { n++; return read.call(this, id); };
  return { count: () => n, restore: () => Object.assign(backend, { readSync, read }) };
}

/** One timed fit of `steps` batches; `monitored` adds the monitor's optimizer, callback and run log. */
async function timedFit(model: BenchModel, backend: Concrete, steps: number, monitored: boolean): Promise<{ stepMs: number[]; reads: number }> {
  const plan = buildPlan(benchConfig(benchCase(model), steps, backend));
  const dir = mkdtempSync(join(tmpdir(), 'gclip-bench-monitor-'));
  const { xs, ys } = tf.tidy(() => {
    const batches = Array.from({ length: steps }, (_, s) => plan.batch(s));
    return { xs: tf.concat(batches.map((b) => b.xs)), ys: tf.concat(batches.map((b) => b.ys)) };
  });
  const run = monitored ? monitor({ clip: { kind: 'norm', maxNorm: 1 }, out: join(dir, 'run') }) : null;
  const stamps: number[] = [];
  const timer = new tf.CustomCallback({ onBatchEnd: async () => void stamps.push(performance.now()) });
  const reads = countReads();
  try {
    plan.model.compile({ optimizer: run ? run.optimizer(tf.train.adam(1e-3)) : tf.train.adam(1e-3), loss: (y: Tensor, p: Tensor) => plan.loss(y, p) });
    stamps.push(performance.now());
    await plan.model.fit(xs, ys, { batchSize: 64, epochs: 1, shuffle: false, verbose: 0, callbacks: run ? [run.callback(), timer] : [timer] });
    return { stepMs: deltas(stamps), reads: reads.count() / steps };
  } finally {
    reads.restore();
    await run?.close();
    tf.dispose([xs, ys]);
    plan.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The interleaved comparison on the active backend. */
export async function benchMonitor(r: MonitorBenchRequest): Promise<MonitorBenchRow[]> {
  const rows: MonitorBenchRow[] = [];
  for (const model of r.models ?? ['mlp', 'lstm']) {
    const times = { plain: [] as number[], monitor: [] as number[] };
    const reads = { plain: 0, monitor: 0 };
    for (let round = 0; round < r.rounds; round++) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      for (const monitored of order) {
        const t = await timedFit(model, r.backend, r.steps, monitored);
        const side = monitored ? 'monitor' : 'plain';
        times[side].push(...t.stepMs.slice(r.warmup));
        reads[side] = t.reads;
      }
    }
    const [plainMs, monitorMs] = [medianMs(times.plain), medianMs(times.monitor)];
    rows.push({ model, label: benchCase(model).label, backend: r.backend, plainMs: round(plainMs), monitorMs: round(monitorMs), overhead: round(monitorMs / plainMs - 1, 4), plainReadsPerStep: reads.plain, monitorReadsPerStep: reads.monitor });
  }
  return rows;
}

/** The Markdown table of the rows. */
export function renderMonitorBench(rows: readonly MonitorBenchRow[]): string {
  const pct = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
  const lines = ['| model | backend | plain fit ms/step | fit + monitor ms/step | overhead | readbacks/step plain → monitor |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.label} | ${r.backend} | ${r.plainMs ?? '—'} | ${r.monitorMs ?? '—'} | ${pct(r.overhead)} | ${r.plainReadsPerStep} → ${r.monitorReadsPerStep} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as MonitorBenchRequest;
  let result: MonitorBenchResult;
  try {
    await initBackend(request.backend);
    result = { backend: request.backend, available: true, rows: await benchMonitor(request) };
  } catch (e) {
    result = { backend: request.backend, available: false, error: e instanceof Error ? e.message : String(e), rows: [] };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1]?.endsWith('monitor.js')) await main();
