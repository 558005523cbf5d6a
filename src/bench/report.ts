/** The benchmark's JSON result and its Markdown table (pure: data in, text out). */
import type { BackendResult, ModelResult } from './worker.js';
import type { PytorchResult } from './pytorch.js';
import type { SweepTiming } from './sweep.js';
import { round } from './stats.js';

/** Everything one `npm run bench` measured (the `--out` file). */
export interface BenchResult {
  readonly version: 1;
  readonly quick: boolean;
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly platform: string; readonly tfjs: string | null };
  readonly settings: Readonly<Record<string, unknown>>;
  /** Per model and backend. */
  readonly results: ModelResult[];
  readonly backends: Omit<BackendResult, 'models'>[];
  readonly helpMs: number | null;
  readonly trainHelpMs: number | null;
  /** `node -e 0`, spawned interleaved with the two help commands. */
  readonly nodeMs: number | null;
  readonly firstStepMs: number | null;
  readonly firstStep: Readonly<Record<string, number>> | null;
  readonly sweepJobs1Ms: number | null;
  readonly sweepJobsNMs: number | null;
  readonly sweep: SweepTiming | null;
  readonly pytorch: PytorchResult | null;
}

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const pct = (x: number | undefined) => (x === undefined ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);

function cell(r: ModelResult | undefined): string[] {
  if (!r) return ['—', '—', '—'];
  if (!r.available) return ['not available', '—', '—'];
  return [fmt(r.plainMs), fmt(r.gclipMs), `${pct(r.overhead)} (cpu ${pct(r.overheadCpu)})`];
}

/** Markdown table: a row per model, plain / gclip / overhead per backend, then PyTorch. */
export function renderTable(b: BenchResult): string {
  const backends = [...new Set(b.results.map((r) => r.backend))];
  const models = [...new Set(b.results.map((r) => r.model))];
  const torch = b.pytorch?.available ? b.pytorch.models ?? {} : {};
  const head = ['model', ...backends.flatMap((be) => [`${be} plain`, `${be} gclip`, `${be} overhead`]), 'PyTorch 1 thread, clip_grad_norm_', 'gclip wasm / PyTorch'];
  const rows = models.map((m) => {
    const label = b.results.find((r) => r.model === m)!.label;
    const byBackend = backends.flatMap((be) => cell(b.results.find((r) => r.model === m && r.backend === be)));
    const t = torch[m]?.stepMs;
    const wasm = b.results.find((r) => r.model === m && r.backend === 'wasm');
    const tc = torch[m]?.stepCpuMs;
    const ratio = t && wasm?.gclipMs ? `${(wasm.gclipMs / t).toFixed(1)}×` : '—';
    const ratioCpu = tc && wasm?.gclipCpuMs ? ` (cpu ${(wasm.gclipCpuMs / tc).toFixed(1)}×)` : '';
    return [label, ...byBackend, fmt(t), ratio + ratioCpu];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The table plus the startup, sweep and probe lines. */
export function renderReport(b: BenchResult): string {
  const out = [renderTable(b), ''];
  out.push(`gclip --help: ${fmt(b.helpMs, 0)} ms, gclip train --help: ${fmt(b.trainHelpMs, 0)} ms, node -e 0: ${fmt(b.nodeMs, 0)} ms (medians of interleaved spawns)`);
  out.push(`first training step (wasm, MLP, fresh process): ${fmt(b.firstStepMs, 0)} ms`);
  if (b.sweep?.skipped) out.push(`sweep: not measured (${b.sweep.skipped})`);
  else if (b.sweep) out.push(`sweep (${b.sweep.args.join(' ')}): --jobs 1 ${fmt(b.sweepJobs1Ms, 0)} ms, --jobs ${b.sweep.jobsN} ${fmt(b.sweepJobsNMs, 0)} ms (${fmt(b.sweep.speedup)}× faster)`);
  for (const s of b.sweep?.store ?? []) {
    out.push(`  --store, ${s.workers} worker${s.workers > 1 ? 's' : ''} (--jobs 1 each): ${fmt(s.medianMs, 0)} ms (${fmt(b.sweepJobs1Ms! / s.medianMs)}× --jobs 1; rounds ${s.roundsMs.map((m) => fmt(m, 0)).join(', ')}; --jobs 1 rounds ${(b.sweep?.jobs1RoundsMs ?? []).map((m) => fmt(m, 0)).join(', ')})`);
  }
  if (b.pytorch && !b.pytorch.available) out.push(`PyTorch: skipped (${b.pytorch.reason})`);
  for (const r of b.results.filter((x) => x.available)) {
    out.push(
      `${r.backend} ${r.model}: readbacks/step ${fmt(r.gclipReadbacksPerStep, 1)}, kernels/step plain ${fmt(r.plainKernelsPerStep, 0)} gclip ${fmt(r.gclipKernelsPerStep, 0)}, round overheads ${(r.roundOverheads ?? []).map((o) => pct(round(o, 4) ?? undefined)).join(' ')}`,
    );
  }
  return out.join('\n');
}
