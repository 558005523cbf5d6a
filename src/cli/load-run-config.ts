/**
 * Config for commands that train: `--config FILE`, else the built-in demo
 * (`configs/demo.yaml` shipped with the package), then flags on top. The config modules
 * (zod, yaml, json5) load here, on first use, not when `--help` runs.
 */
import { basename, dirname, resolve } from 'node:path';
import type { RawFlags, ResolvedConfig } from '../config/merge.js';
import type { CliIO } from './io.js';
import { templatePath } from './templates/registry.js';

/**
 * Loads `file` (or the demo) and applies `flags`. A user's model (`--model`) without a
 * config starts from the schema's neutral defaults (no clipping unless asked), named after
 * the model file, not from the demo's settings. Throws GclipError on bad input.
 */
export async function loadRunConfig(file: string | undefined, flags: RawFlags, io: CliIO): Promise<ResolvedConfig> {
  const [{ loadConfigFile, nodeReader }, { resolveConfig }] = await Promise.all([import('../config/load.js'), import('../config/merge.js')]);
  // Read relative to the caller's cwd but keep the path as typed, so messages show it.
  const read = (p: string) => nodeReader(resolve(io.cwd, p));
  if (file !== undefined) return resolveConfig({ file: await loadConfigFile(file, read), flags });
  if (typeof flags.model === 'string' && /\.json$/i.test(flags.model)) {
    const named = flags.name === undefined ? { name: basename(dirname(resolve(io.cwd, flags.model))) || 'model' } : {};
    return resolveConfig({ flags: { ...named, ...flags } });
  }
  const demo = await loadConfigFile(templatePath('demo'), read);
  return resolveConfig({ file: { ...demo, path: 'configs/demo.yaml (built-in demo)' }, flags });
}
