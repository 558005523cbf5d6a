/**
 * `npm run bench [-- --quick] [--out FILE] [--backends wasm,cpu,node (empty: none)] [--models mlp,rnn,…]
 * [--no-pytorch] [--no-sweep] [--no-startup] [--no-monitor] [--sweep-store-rounds R] [--sweep-steps N]`: gclip's loop against a hand-written tfjs
 * loop per model and backend (each backend in its own process), PyTorch's reference, the
 * CLI's startup and sweep throughput (with R > 0: R interleaved rounds of `--jobs 1`, a shared
 * store worked by 1, 2 and 3 workers, and `--jobs N`), and `model.fit` with `monitor()` against plain fit. Prints a Markdown table; `--out` writes the JSON.
 *
 * `npm run bench -- --advice [--advice-configs a,b] [--fresh] [--jobs N] [--out FILE]`: only the
 * advice bench (advice.ts): the sweep's advice on bench/advice/ scored on held-out seeds and
 * a denser grid; the table on stdout, the JSON into `--out` (default bench/results/advice.json).
 *
 * `--ladder [--chart FILE.svg [--chart-cpu] [--chart-from FILE.json]] [--rungs mlp-10k,…]` runs the size ladder instead (`ladder-run.ts`; JSON `ladder`, `ladderCpu`, `ladderMeta`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runAdviceBench } from './advice.js';
import { BENCH_MODELS, type BenchModel } from './cases.js';
import { runPytorch, type PytorchResult } from './pytorch.js';
import { renderReport, type BenchResult } from './report.js';
import { lastJsonLine, runChild } from './spawn.js';
import { timeFirstStep, timeStartup, type StartupTimes } from './startup.js';
import { timeSweep, type SweepTiming } from './sweep.js';
import type { BackendResult, WorkerRequest } from './worker.js';
import { packageVersion } from '../runtime/backend.js';
import { renderMonitorBench, type MonitorBenchRequest, type MonitorBenchResult } from './monitor.js';
import { renderLadderChart } from './ladder-chart.js';
import type { LadderRows } from './ladder-report.js';
import { runLadder } from './ladder-run.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    backends: { type: 'string', default: 'wasm,cpu,node' },
    models: { type: 'string', default: BENCH_MODELS.join(',') },
    'no-pytorch': { type: 'boolean', default: false },
    'no-sweep': { type: 'boolean', default: false },
    'no-startup': { type: 'boolean', default: false },
    'no-monitor': { type: 'boolean', default: false },
    ladder: { type: 'boolean', default: false },
    chart: { type: 'string' },
    rungs: { type: 'string' },
    'chart-cpu': { type: 'boolean', default: false },
    'chart-from': { type: 'string' },
    advice: { type: 'boolean', default: false },
    'advice-configs': { type: 'string', default: '' },
    fresh: { type: 'boolean', default: false },
    jobs: { type: 'string', default: '2' },
    'sweep-store-rounds': { type: 'string', default: '0' },
    'sweep-steps': { type: 'string' },
  },
});
const quick = values.quick!;
const models = values.models!.split(',').filter((m): m is BenchModel => (BENCH_MODELS as readonly string[]).includes(m));
const backends = values.backends!.split(',').filter((b) => b !== '') as WorkerRequest['backend'][];
const settings = quick
  ? { rounds: 2, warmup: 3, budgetMs: 300, minSteps: 5, maxSteps: 60, helpRuns: 5, firstStepRuns: 3, torchSteps: 30 }
  : { rounds: 6, warmup: 5, budgetMs: 1500, minSteps: 15, maxSteps: 300, helpRuns: 10, firstStepRuns: 5, torchSteps: 200 };
// A sweep of realistic size: the shipped exploding RNN (300 steps, ~1.5 s a run), the
// default 8 thresholds + baseline × 3 seeds in full. With sub-second points (the demo MLP),
// dispatch and worker start-up would dominate and say nothing about parallel throughput.
// `--sweep-steps N` shortens its runs (same 27 runs) when the machine is too loaded for 300 steps.
const sweepArgs = [
  '--config', join(root, 'configs', 'exploding-rnn.yaml'), '--backend', 'wasm',
  ...(quick ? ['--seeds', '1', '--thresholds', '0.5,1,2,5'] : ['--seeds', '3']),
  ...(values['sweep-steps'] ? ['--steps', values['sweep-steps']] : []),
];
const log = (s: string) => process.stderr.write(`${s}\n`);

async function runBackend(backend: WorkerRequest['backend']): Promise<BackendResult> {
  log(`backend ${backend}…`);
  const request: WorkerRequest = { backend, models, ...settings };
  const r = await runChild(process.execPath, [join(root, 'dist/bench/worker.js'), JSON.stringify(request)], { cwd: root, echo: true });
  return lastJsonLine<BackendResult>(r.stdout) ?? { backend, available: false, error: `worker exited ${r.code}`, models: [] };
}

/** model.fit with monitor() vs plain fit on the MLP and LSTM, wasm and cpu, each backend in its own process. */
async function runMonitorBench(): Promise<MonitorBenchResult[]> {
  const out: MonitorBenchResult[] = [];
  for (const backend of backends.filter((b) => b === 'wasm' || b === 'cpu')) {
    log(`monitor ${backend}…`);
    const request: MonitorBenchRequest = { backend, rounds: quick ? 2 : 6, steps: quick ? 20 : 60, warmup: settings.warmup };
    const r = await runChild(process.execPath, [join(root, 'dist/bench/monitor.js'), JSON.stringify(request)], { cwd: root, echo: true });
    out.push(lastJsonLine<MonitorBenchResult>(r.stdout) ?? { backend, available: false, error: `exited ${r.code}`, rows: [] });
  }
  return out;
}

const machine = () => ({ cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, platform: `${process.platform}-${process.arch}`, tfjs: packageVersion('@tensorflow/tfjs') });

/**
 * `--ladder`: the size ladder only; the table on stdout, `--out` the JSON, `--chart` the SVG
 * (`--chart-cpu`: of process CPU time, JAX's all-thread figure left out, for a loaded
 * machine; `--chart-from FILE`: redraw from a saved JSON without measuring).
 */
async function ladder(started: number): Promise<void> {
  const saved = values['chart-from'] ? (JSON.parse(readFileSync(resolve(values['chart-from']), 'utf8')) as LadderRows & { date: string; quick: boolean }) : null;
  const date = saved?.date ?? new Date().toISOString();
  const result = saved ?? (await runLadder(root, backends, quick, values.rungs?.split(',')));
  if (!saved) {
    const { table, ...rest } = result as Awaited<ReturnType<typeof runLadder>>;
    process.stdout.write(`${table}\n`);
    if (values.out) writeFileSync(resolve(values.out), JSON.stringify({ version: 1, quick, date, machine: machine(), ...rest }, null, 2) + '\n');
  }
  if (values.chart) {
    const cpu = values['chart-cpu'];
    const rows = cpu ? result.ladderCpu.map((r) => ({ ...r, jaxAllThreadsMs: null })) : result.ladder;
    const caption = `ms per training step${cpu ? ' (process CPU time)' : ''} against parameters, batch 128 (${(saved?.quick ?? quick) ? 'quick' : 'full'} ladder, ${date.slice(0, 16)}Z)`;
    writeFileSync(resolve(values.chart), renderLadderChart(rows, caption));
  }
  log(`ladder done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const started = performance.now();
  if (values.ladder) return ladder(started);
  let help: StartupTimes | null = null;
  let first: Awaited<ReturnType<typeof timeFirstStep>> | null = null;
  if (!values['no-startup']) {
    log('startup…');
    help = await timeStartup(root, settings.helpRuns);
    first = await timeFirstStep(root, 'wasm', settings.firstStepRuns);
  }
  const perBackend: BackendResult[] = [];
  for (const b of backends) perBackend.push(await runBackend(b));
  for (const b of perBackend.filter((x) => !x.available)) log(`backend ${b.backend}: not available (${b.error})`);
  let pytorch: PytorchResult | null = null;
  if (!values['no-pytorch']) {
    log('pytorch…');
    pytorch = await runPytorch(root, ['--models', models.join(',')], settings.torchSteps);
  }
  let sweep: SweepTiming | null = null;
  if (!values['no-sweep']) {
    log('sweep…');
    sweep = await timeSweep(root, sweepArgs, Math.max(2, availableParallelism()), Number(values['sweep-store-rounds']));
  }
  const result: BenchResult = {
    version: 1,
    quick,
    date: new Date().toISOString(),
    machine: machine(),
    settings: { ...settings, models, backends },
    results: perBackend.flatMap((b) => b.models),
    backends: perBackend.map(({ models: _m, ...rest }) => rest),
    helpMs: help?.helpMs ?? null,
    trainHelpMs: help?.trainHelpMs ?? null,
    nodeMs: help?.nodeMs ?? null,
    firstStepMs: first?.firstStepMs ?? null,
    firstStep: first ? { importMs: first.importMs, backendMs: first.backendMs, firstStepMs: first.firstStepMs } : null,
    sweepJobs1Ms: sweep?.sweepJobs1Ms ?? null,
    sweepJobsNMs: sweep?.sweepJobsNMs ?? null,
    sweep,
    pytorch,
  };
  const monitored = values['no-monitor'] ? [] : await runMonitorBench();
  process.stdout.write(renderReport(result) + '\n');
  if (monitored.length) process.stdout.write(`\n### model.fit with monitor() vs plain model.fit\n\n${renderMonitorBench(monitored.flatMap((m) => m.rows))}\n`);
  if (values.out) writeFileSync(resolve(values.out), JSON.stringify({ ...result, monitor: monitored }, null, 2) + '\n');
  log(`bench done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** `--advice`: the advice bench alone. */
async function mainAdvice(): Promise<void> {
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs: expected a positive integer, received ${values.jobs}`);
  const only = values['advice-configs']!.split(',').filter((c) => c !== '');
  const result = await runAdviceBench(root, { jobs, fresh: values.fresh!, only, log });
  process.stdout.write(result.table + '\n');
  const out = resolve(values.out ?? join(root, 'bench', 'results', 'advice.json'));
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  log(`advice bench done in ${(result.wallMs / 1000).toFixed(1)} s; JSON in ${out}`);
}

await (values.advice ? mainAdvice() : main());
