/**
 * The PyTorch reference (`bench/pytorch_reference.py`), spawned with `/usr/bin/python3`
 * (or `$GCLIP_BENCH_PYTHON`). Skipped with a reason when Python or torch is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastJsonLine, runChild } from './spawn.js';

/** Per-step medians (ms) of each model with `clip_grad_norm_`, one thread. */
export interface PytorchResult {
  readonly available: boolean;
  readonly reason?: string;
  readonly torchVersion?: string;
  readonly threads?: number;
  readonly models?: Record<string, { stepMs: number; plainStepMs: number; stepCpuMs: number; plainStepCpuMs: number }>;
}

/** Runs the reference script for `models` with `steps` timed steps each. */
export async function runPytorch(root: string, models: readonly string[], steps: number): Promise<PytorchResult> {
  const python = process.env.GCLIP_BENCH_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return { available: false, reason: `${python} not found` };
  const script = join(root, 'bench/pytorch_reference.py');
  const r = await runChild(python, [script, '--json', '--steps', String(steps), '--models', models.join(',')], { cwd: root });
  const parsed = lastJsonLine<PytorchResult>(r.stdout);
  if (r.code !== 0 || !parsed) {
    const why = r.stderr.includes("No module named 'torch'") ? 'PyTorch is not installed (apt-get install python3-torch)' : r.stderr.trim().split('\n').at(-1);
    return { available: false, reason: why ?? `exit ${r.code}` };
  }
  return parsed;
}
