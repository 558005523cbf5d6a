/** Child processes of the benchmark: run one, time it, parse its last JSON line. */
import { spawn } from 'node:child_process';

/** Exit status, output and wall time of one child process. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** Runs `cmd args` to completion; stderr is echoed when `echo` is set (progress lines). */
export function runChild(cmd: string, args: readonly string[], o: { cwd?: string; echo?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, [...args], { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (o.echo) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, wallMs: performance.now() - t0 }));
  });
}

/** The last line of `text` that parses as JSON, or null. */
export function lastJsonLine<T>(text: string): T | null {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      continue;
    }
  }
  return null;
}
