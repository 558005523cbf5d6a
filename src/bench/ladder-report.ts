/**
 * The size ladder's rows (the bench JSON's `ladder`, a contract of issue #22) from the
 * measurements, and their Markdown table. Pure: measurements in, rows and text out.
 */
import { LADDER, rungFlops, rungParams, type LadderRung } from './ladder.js';
import type { LadderWorkerResult } from './ladder-worker.js';
import { round } from './stats.js';

/** One rung on one backend: ms per step (medians, wall time), the references and the limit. */
export interface LadderRow {
  /** The rung's id (`ladder.ts`: `mlp-100k`, `lstm-64-t50`, `cnn-32f-16px`, …). */
  readonly model: string;
  readonly params: number;
  readonly backend: string;
  readonly plainMs: number | null;
  readonly gclipMs: number | null;
  /** JAX + optax, one thread (XLA's Eigen pool off, pinned to one core). */
  readonly jaxMs: number | null;
  readonly jaxAllThreadsMs: number | null;
  /** Debian's PyTorch, one thread, `clip_grad_norm_`. */
  readonly pytorchMs: number | null;
  /** The rung's matmul/conv FLOPs over the measured single-core sgemm rate. */
  readonly limitMs: number | null;
  /** Peak RSS of the process that ran the rung's two tfjs loops, MB. */
  readonly rssMb: number | null;
}

/** A reference's per-rung medians (wall and CPU ms), as the Python scripts print them. */
export type RungTimes = Readonly<Record<string, { readonly stepMs: number; readonly stepCpuMs: number }>>;

/** Everything the rows are made from. */
export interface LadderMeasurements {
  readonly workers: readonly LadderWorkerResult[];
  readonly jax: RungTimes | null;
  readonly jaxAllThreads: RungTimes | null;
  readonly pytorch: RungTimes | null;
  /** Single-core sgemm GFLOP per second, or null when not measured. */
  readonly sgemmGflops: number | null;
}

/** The rows in wall time (`ladder`) and the same rows in process CPU time (`ladderCpu`). */
export interface LadderRows {
  readonly ladder: LadderRow[];
  readonly ladderCpu: LadderRow[];
}

/** ms of a rung's FLOPs at `gflops`. */
export function limitMs(r: LadderRung, gflops: number | null): number | null {
  return gflops && gflops > 0 ? rungFlops(r) / (gflops * 1e6) : null;
}

/** A row per worker that reached its rung (measured or over the cap), in ladder order. */
export function ladderRows(m: LadderMeasurements): LadderRows {
  const rows: LadderRows = { ladder: [], ladderCpu: [] };
  for (const rung of LADDER) {
    for (const w of m.workers.filter((x) => x.rung === rung.id && (x.available || x.probeMs !== undefined))) {
      const base = { model: rung.id, params: rungParams(rung), backend: w.backend, limitMs: round(limitMs(rung, m.sgemmGflops)), rssMb: round(w.rssMb, 0) };
      const ref = (t: RungTimes | null, k: 'stepMs' | 'stepCpuMs') => round(t?.[rung.id]?.[k]);
      rows.ladder.push({ ...base, plainMs: round(w.plainMs), gclipMs: round(w.gclipMs), jaxMs: ref(m.jax, 'stepMs'), jaxAllThreadsMs: ref(m.jaxAllThreads, 'stepMs'), pytorchMs: ref(m.pytorch, 'stepMs') });
      rows.ladderCpu.push({ ...base, plainMs: round(w.plainCpuMs), gclipMs: round(w.gclipCpuMs), jaxMs: ref(m.jax, 'stepCpuMs'), jaxAllThreadsMs: ref(m.jaxAllThreads, 'stepCpuMs'), pytorchMs: ref(m.pytorch, 'stepCpuMs') });
    }
  }
  return rows;
}

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? '—' : `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}×`);
/** "wall (cpu)" of one figure. */
const both = (w: number | null, c: number | null | undefined) => (w === null ? '—' : `${fmt(w)} (${fmt(c)})`);

/**
 * The Markdown table: per rung and backend, ms per step as "wall (CPU)" for plain, gclip
 * and the references, gclip's ratios to plain, to JAX on one thread and to the limit
 * (wall, then CPU), and the peak RSS.
 */
export function renderLadderTable(rows: LadderRows): string {
  const head = ['rung', 'params', 'backend', 'plain', 'gclip', 'gclip / plain', 'JAX 1 thread', 'JAX all threads', 'gclip / JAX 1t', 'PyTorch 1 thread', 'limit', 'gclip / limit', 'RSS MB'];
  const lines = [head, head.map(() => '---')].map((c) => `| ${c.join(' | ')} |`);
  rows.ladder.forEach((r, i) => {
    const c = rows.ladderCpu[i]!;
    const cells = [
      r.model,
      r.params.toLocaleString('en-US'),
      r.backend,
      both(r.plainMs, c.plainMs),
      both(r.gclipMs, c.gclipMs),
      `${ratio(r.gclipMs, r.plainMs)} (${ratio(c.gclipMs, c.plainMs)})`,
      both(r.jaxMs, c.jaxMs),
      both(r.jaxAllThreadsMs, c.jaxAllThreadsMs),
      `${ratio(r.gclipMs, r.jaxMs)} (${ratio(c.gclipMs, c.jaxMs)})`,
      both(r.pytorchMs, c.pytorchMs),
      fmt(r.limitMs),
      `${ratio(r.gclipMs, r.limitMs)} (${ratio(c.gclipMs, r.limitMs)})`,
      fmt(r.rssMb),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  });
  return lines.join('\n');
}
