/** What the spawned `gclip sweep` tests share: the CLI entry, a tiny config and a scratch folder. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('./cli.mjs', import.meta.url));

/** A stable MLP that trains in well under a second per run. */
export const TINY = `name: tiny
model: { kind: mlp, hidden: [8] }
data: { kind: regression, samples: 256, features: 4, batchSize: 32 }
train: { steps: 30, optimizer: adam, lr: 0.01 }
backend: wasm
`;

/** A spawned run's exit code and output. */
export interface Ran { code: number | null; stdout: string; stderr: string }

/** A fresh temporary folder (`prefix`) holding `tiny.yaml` and `boom.yaml` (the caller's exploding config). */
export function sweepWorkdir(prefix: string, boom: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'tiny.yaml'), TINY);
  writeFileSync(join(dir, 'boom.yaml'), boom);
  return dir;
}
