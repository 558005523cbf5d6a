/**
 * Config for commands that train: `--config FILE`, else the built-in demo
 * (`configs/demo.yaml` shipped with the package), then flags on top.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { loadConfigFile, nodeReader } from '../config/load.js';
import { resolveConfig } from '../config/merge.js';
import type { CliIO } from './io.js';

/** The demo config `gclip train` runs without `--config`. */
export const DEMO_CONFIG = fileURLToPath(new URL('../../configs/demo.yaml', import.meta.url));

/** Loads the file (or the demo) and applies the flags. Throws GclipError on bad input. */
export async function loadRunConfig(flags: Readonly<Record<string, unknown>>, io: CliIO) {
  // Read relative to the caller's cwd but keep the path as typed, so messages show it.
  const read = (p: string) => nodeReader(resolve(io.cwd, p));
  if (typeof flags.config === 'string') return resolveConfig({ file: await loadConfigFile(flags.config, read), flags });
  const demo = await loadConfigFile(DEMO_CONFIG, read);
  return resolveConfig({ file: { ...demo, path: 'configs/demo.yaml (built-in demo)' }, flags });
}
