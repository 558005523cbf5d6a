/**
 * The PyTorch reference (`bench/pytorch_reference.py`), spawned with `/usr/bin/python3`
 * (or `$GCLIP_BENCH_PYTHON`). Skipped with a reason when Python or torch is missing.
 */
import { runReference, type ReferenceRun } from './reference.js';

/** Per-step medians (ms) of each model with `clip_grad_norm_`, one thread. */
export interface PytorchResult {
  readonly available: boolean;
  readonly reason?: string;
  readonly torchVersion?: string;
  readonly threads?: number;
  readonly models?: Record<string, { stepMs: number; plainStepMs: number; stepCpuMs: number; plainStepCpuMs: number }>;
  /** The size ladder's rungs (`--rungs`): the clipped step only. */
  readonly rungs?: Record<string, { stepMs: number; stepCpuMs: number }>;
}

/** Runs the reference script with `args` (`--models …` or `--rungs …`) and `steps` timed steps each. */
export async function runPytorch(root: string, args: readonly string[], steps: number, echo = false): Promise<PytorchResult> {
  const run: ReferenceRun = { python: process.env.GCLIP_BENCH_PYTHON ?? '/usr/bin/python3', script: 'bench/pytorch_reference.py', args: ['--json', '--steps', String(steps), ...args], echo };
  const r = await runReference<PytorchResult>(root, run);
  if (!r.available && r.reason.includes('module torch')) return { available: false, reason: 'PyTorch is not installed (apt-get install python3-torch)' };
  return r;
}
