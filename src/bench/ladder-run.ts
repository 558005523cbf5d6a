/**
 * `npm run bench -- --ladder`: the size ladder of issue #22. Each rung on each tfjs backend
 * runs in its own process (`ladder-worker.ts`: plain and gclip interleaved, peak RSS); the
 * cpu backend stops a family once a rung's plain step is over the cap. Then the references,
 * each one process over all rungs: the single-core sgemm rate (`bench/sgemm_rate.py`, the
 * hardware limit), JAX + optax on one thread and on all (`bench/jax_reference.py`), and
 * Debian's PyTorch (`bench/pytorch_reference.py --rungs`); a missing one is skipped with
 * its reason. Returns the rows, the meta data and the table; `run.ts` writes them.
 */
import { join } from 'node:path';
import type { Concrete } from '../runtime/backend.js';
import { LADDER, rungFlops, rungParams, type LadderRung } from './ladder.js';
import { ladderRows, renderLadderTable, type LadderRows, type RungTimes } from './ladder-report.js';
import type { LadderWorkerRequest, LadderWorkerResult } from './ladder-worker.js';
import type { RoundSettings } from './loops.js';
import { runPytorch } from './pytorch.js';
import { runReference, type Reference } from './reference.js';
import { lastJsonLine, runChild } from './spawn.js';

/** The ladder's quick or full settings. */
export interface LadderSettings extends RoundSettings {
  /** Plain-step cap on the cpu backend (ms): its JS kernels take seconds on the large rungs. */
  readonly cpuCapMs: number;
  /** Timed steps per rung of JAX and of PyTorch. */
  readonly jaxSteps: number;
  readonly torchSteps: number;
}

// Quick: up to 200 steps, so that the 300 ms budget, not a step cap, sizes the small rungs' round.
export const LADDER_QUICK: LadderSettings = { rounds: 1, warmup: 2, budgetMs: 300, minSteps: 4, maxSteps: 200, cpuCapMs: 150, jaxSteps: 8, torchSteps: 4 };
export const LADDER_FULL: LadderSettings = { rounds: 3, warmup: 3, budgetMs: 1500, minSteps: 10, maxSteps: 200, cpuCapMs: 1000, jaxSteps: 50, torchSteps: 30 };

/** `bench/sgemm_rate.py`'s line: GFLOP per thread CPU-second (and per wall second) at the best size. */
interface SgemmRate {
  readonly gflops: number;
  readonly wallGflops: number;
  readonly size: number;
  readonly numpy: string;
  readonly blas: string;
  readonly core: string;
}

/** `bench/jax_reference.py`'s versions and flags. */
interface JaxInfo {
  readonly jax: string;
  readonly optax: string;
  readonly xlaFlags: string;
}

/** What the ladder measured besides the rows. */
export interface LadderMeta {
  readonly rungs: Array<{ model: string; label: string; params: number; flops: number }>;
  readonly settings: LadderSettings;
  readonly sgemm: Reference<SgemmRate>;
  readonly jax: Reference<JaxInfo>;
  readonly jaxAllThreads: Reference<JaxInfo>;
  readonly pytorch: { available: boolean; reason?: string; torchVersion?: string };
  /** Rungs not measured on a backend, and why. */
  readonly skipped: Array<{ model: string; backend: string; reason: string }>;
}

export interface LadderOutput extends LadderRows {
  readonly ladderMeta: LadderMeta;
  readonly table: string;
}


const log = (s: string) => process.stderr.write(`${s}\n`);
const ONE_THREAD_XLA = '--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1';

/** Runs the rungs on one backend, a process each; a backend that does not load stops after its first. */
async function runBackend(root: string, rungs: readonly LadderRung[], backend: Concrete, s: LadderSettings, skipped: LadderMeta['skipped']): Promise<LadderWorkerResult[]> {
  const out: LadderWorkerResult[] = [];
  const overCap: LadderRung[] = [];
  for (const rung of rungs) {
    const heavier = overCap.find((o) => o.spec.kind === rung.spec.kind && rungFlops(rung) >= rungFlops(o));
    if (heavier) {
      skipped.push({ model: rung.id, backend, reason: `${heavier.id} (${(rungFlops(heavier) / 1e6).toFixed(0)} MFLOP) was already over the ${s.cpuCapMs} ms cap` });
      continue;
    }
    const request: LadderWorkerRequest = { ...s, rung: rung.id, backend, capMs: backend === 'cpu' ? s.cpuCapMs : Number.MAX_VALUE };
    // libtensorflow's start-up notes (oneDNN, CPU features) would repeat for every rung.
    const env = { TF_CPP_MIN_LOG_LEVEL: '2', ...process.env };
    const r = await runChild(process.execPath, [join(root, 'dist/bench/ladder-worker.js'), JSON.stringify(request)], { cwd: root, echo: true, env });
    const result = lastJsonLine<LadderWorkerResult>(r.stdout) ?? { rung: rung.id, backend, available: false, reason: `worker exited ${r.code}`, rssMb: 0 };
    out.push(result);
    if (result.available) continue;
    skipped.push({ model: rung.id, backend, reason: result.reason ?? 'not available' });
    if (result.probeMs !== undefined) overCap.push(rung);
    else if (out.every((x) => !x.available)) {
      log(`  ${backend}: not available (${result.reason}); its other rungs are skipped`);
      break;
    }
  }
  return out;
}

const times = (r: { available: boolean; rungs?: RungTimes }): RungTimes | null => (r.available && r.rungs ? r.rungs : null);
/** The reference's line without its per-rung times (those are in the rows). */
function withoutTimes(r: Reference<JaxInfo & { rungs: RungTimes }>): Reference<JaxInfo> {
  if (!r.available) return r;
  const { rungs: _times, ...rest } = r;
  return rest;
}

/** Runs the ladder (`quick` or full; the rungs of `only`, else all) on `backends` and the references. */
export async function runLadder(root: string, backends: readonly Concrete[], quick: boolean, only?: readonly string[]): Promise<LadderOutput> {
  const s = quick ? LADDER_QUICK : LADDER_FULL;
  const rungs = only ? LADDER.filter((r) => only.includes(r.id)) : LADDER;
  const skipped: LadderMeta['skipped'] = [];
  const workers: LadderWorkerResult[] = [];
  for (const b of backends) {
    log(`ladder ${b}…`);
    workers.push(...(await runBackend(root, rungs, b, s, skipped)));
  }
  const specs = JSON.stringify(rungs.map(({ id, batch, spec }) => ({ id, batch, spec })));
  const python = process.env.GCLIP_BENCH_JAX_PYTHON ?? 'python3';
  log('ladder sgemm rate…');
  const sgemm = await runReference<SgemmRate>(root, { python, script: 'bench/sgemm_rate.py', args: [], pinned: true, env: { OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null } });
  const jaxArgs = ['--rungs', specs, '--steps', String(s.jaxSteps), '--warmup', String(s.warmup)];
  log('ladder JAX, 1 thread…');
  const jax = await runReference<JaxInfo & { rungs: RungTimes }>(root, { python, script: 'bench/jax_reference.py', args: jaxArgs, pinned: true, echo: true, env: { XLA_FLAGS: ONE_THREAD_XLA } });
  log('ladder JAX, all threads…');
  const jaxAll = await runReference<JaxInfo & { rungs: RungTimes }>(root, { python, script: 'bench/jax_reference.py', args: jaxArgs, echo: true, env: { XLA_FLAGS: null } });
  log('ladder PyTorch…');
  const torch = await runPytorch(root, ['--rungs', specs, '--warmup', String(s.warmup)], s.torchSteps, true);
  for (const [name, r] of [['sgemm', sgemm], ['JAX', jax], ['PyTorch', torch]] as const) if (!r.available) log(`ladder ${name}: skipped (${r.reason})`);
  const gflops = sgemm.available ? sgemm.gflops : null;
  const rows = ladderRows({ workers, jax: times(jax), jaxAllThreads: times(jaxAll), pytorch: times(torch), sgemmGflops: gflops });
  const ladderMeta: LadderMeta = {
    rungs: rungs.map((r) => ({ model: r.id, label: r.label, params: rungParams(r), flops: rungFlops(r) })),
    settings: s,
    sgemm,
    jax: withoutTimes(jax),
    jaxAllThreads: withoutTimes(jaxAll),
    pytorch: { available: torch.available, reason: torch.reason, torchVersion: torch.torchVersion },
    skipped,
  };
  return { ...rows, ladderMeta, table: renderLadderTable(rows) };
}
