/**
 * The run config of `gclip train`/`sweep`/`check`/`config`: the file given (`--config`), else
 * the built-in demo (`configs/demo.yaml` shipped with the package), then flags on top; a
 * model.json's training config lies under both. The config modules (zod, yaml, json5) load
 * here, on first use, not when `--help` runs.
 */
import { basename, dirname, resolve } from 'node:path';
import type { RawFlags, ResolvedConfig, ResolveInput } from '../config/merge.js';
import type { CliIO } from './io.js';
import { templatePath } from './templates/registry.js';

/** The config file to merge (the user's, none for a user's model, else the demo) and the flags. */
async function inputOf(file: string | undefined, flags: RawFlags, io: CliIO): Promise<ResolveInput> {
  const { loadConfigFile, nodeReader } = await import('../config/load.js');
  // Read relative to the caller's cwd but keep the path as typed, so messages show it.
  const read = (p: string) => nodeReader(resolve(io.cwd, p));
  if (file !== undefined) return { file: await loadConfigFile(file, read), flags };
  if (typeof flags.model === 'string' && /\.json$/i.test(flags.model)) {
    const named = flags.name === undefined ? { name: basename(dirname(resolve(io.cwd, flags.model))) || 'model' } : {};
    return { flags: { ...named, ...flags } };
  }
  const demo = await loadConfigFile(templatePath('demo'), read);
  return { file: { ...demo, path: 'configs/demo.yaml (built-in demo)' }, flags };
}

/**
 * Loads `file` (or the demo) and applies `flags`. A user's model (`--model`) without a
 * config starts from the schema's neutral defaults (no clipping unless asked), named after
 * the model file, not from the demo's settings. A model.json's training config supplies
 * the optimizer, learning rate, loss and Keras clipping the file and flags leave open
 * (provenance `model.json`). Throws GclipError on bad input.
 */
export async function loadRunConfig(file: string | undefined, flags: RawFlags, io: CliIO): Promise<ResolvedConfig> {
  const [{ resolveConfig }, { readTrainingDefaults }, { nodeFileReader }] = await Promise.all([
    import('../config/merge.js'),
    import('../models/training-config.js'),
    import('../models/files.js'),
  ]);
  const input = await inputOf(file, flags, io);
  const resolved = resolveConfig(input);
  const model = resolved.config.model;
  if (model.kind !== 'file') return resolved;
  const layer = await readTrainingDefaults(model.path, { ...nodeFileReader, text: (p, limit) => nodeFileReader.text(resolve(io.cwd, p), limit) });
  return layer === null ? resolved : resolveConfig({ ...input, model: layer });
}
