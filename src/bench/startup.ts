/** Startup figures (spawned): `gclip --help` and `gclip train --help` against a bare node, and the time to the first training step. */
import { join } from 'node:path';
import { lastJsonLine, runChild } from './spawn.js';
import { medianMs } from './stats.js';

/** What the start-up figures time: a bare node, `gclip --help`, `gclip train --help`. */
export interface StartupTimes {
  readonly nodeMs: number;
  readonly helpMs: number;
  readonly trainHelpMs: number;
  /** Every spawn's wall time (ms), per probe. */
  readonly samples: Readonly<Record<'node' | 'help' | 'trainHelp', number[]>>;
}

/**
 * Medians over `runs` rounds of spawning `node -e 0`, `gclip --help` and `gclip train
 * --help`, interleaved in each round so a load change on the machine hits all three.
 * `gclip --help` minus `node -e 0` is what gclip itself costs before printing anything.
 */
export async function timeStartup(root: string, runs: number): Promise<StartupTimes> {
  const bin = join(root, 'bin/gclip.js');
  const probes = { node: ['-e', '0'], help: [bin, '--help'], trainHelp: [bin, 'train', '--help'] } as const;
  const samples = { node: [] as number[], help: [] as number[], trainHelp: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(probes) as Array<[keyof typeof probes, readonly string[]]>) {
      const r = await runChild(process.execPath, args, { cwd: root });
      if (r.code !== 0) throw new Error(`node ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
      samples[name].push(r.wallMs);
    }
  }
  return { nodeMs: medianMs(samples.node), helpMs: medianMs(samples.help), trainHelpMs: medianMs(samples.trainHelp), samples };
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
