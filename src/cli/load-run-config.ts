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
  const path = typeof flags.config === 'string' ? resolve(io.cwd, flags.config) : DEMO_CONFIG;
  const shown = typeof flags.config === 'string' ? flags.config : 'configs/demo.yaml (built-in demo)';
  const file = await loadConfigFile(path, nodeReader);
  return resolveConfig({ file: { ...file, path: shown }, flags });
}
