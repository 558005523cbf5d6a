/** Startup figures: `gclip --help` wall time and time to the first training step (spawned). */
import { join } from 'node:path';
import { lastJsonLine, runChild } from './spawn.js';
import { medianMs } from './stats.js';

/** Median wall time of `node bin/gclip.js --help` over `runs` spawns (ms), and every sample. */
export async function timeHelp(root: string, runs: number): Promise<{ helpMs: number; samples: number[] }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runChild(process.execPath, [join(root, 'bin/gclip.js'), '--help'], { cwd: root });
    if (r.code !== 0) throw new Error(`gclip --help exited ${r.code}: ${r.stderr.trim()}`);
    samples.push(r.wallMs);
  }
  return { helpMs: medianMs(samples), samples };
}

/** Milestones of one fresh process, ms since it started. */
export interface FirstStep {
  readonly importMs: number;
  readonly backendMs: number;
  readonly firstStepMs: number;
}

/** Medians over `runs` fresh processes of the first-step milestones on `backend`. */
export async function timeFirstStep(root: string, backend: string, runs: number): Promise<FirstStep & { samples: number[] }> {
  const all: FirstStep[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runChild(process.execPath, [join(root, 'dist/bench/first-step.js'), backend], { cwd: root });
    const parsed = lastJsonLine<FirstStep>(r.stdout);
    if (r.code !== 0 || !parsed) throw new Error(`first-step probe exited ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    all.push(parsed);
  }
  const pick = (k: keyof FirstStep) => medianMs(all.map((s) => s[k]));
  return { importMs: pick('importMs'), backendMs: pick('backendMs'), firstStepMs: pick('firstStepMs'), samples: all.map((s) => s.firstStepMs) };
}
