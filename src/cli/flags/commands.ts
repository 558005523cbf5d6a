/**
 * Which flags each command applies, per mode: the one table that decides, for every
 * flag of every command, "applied" or "refused". A command registers the flags its modes
 * apply and refuses every other flag gclip has, naming where it does apply.
 */
import { readFileSync } from 'node:fs';
import { configFlags, type ConfigFlag } from '../../config/config-flags.js';
import type { JsonSchema } from '../../config/schema-nodes.js';
import { SCHEMA_PATH } from '../templates/registry.js';
import { configCliFlag, ownCliFlag } from './help.js';
import { CHECK, CONFIG, DOCTOR_JSON, INIT, MERGE, OVERWRITE, PRINT_JSON, REPLAY, REPORT, STATUS, SWEEP, TRAIN, WORKER } from './own-flags.js';
import type { CliFlag, CommandMode, ConfigScope } from './types.js';

/** A command as typed after `gclip`. */
export type CommandPath = 'train' | 'sweep' | 'sweep merge' | 'sweep worker' | 'sweep status' | 'sweep report' | 'check' | 'report' | 'init' | 'config validate' | 'config print' | 'doctor' | 'replay';

/** Config flags that set the clip block, but for its norm order (a sweep keeps that). */
export function isClipSetting(flag: ConfigFlag): boolean {
  return flag.path[0] === 'clip' && flag.path[1] !== 'normType';
}

/**
 * Whether a mode applies a config flag. A sweep sets the clip block of every point
 * itself, keeps its own files (`log:`) and halts a point on a non-finite value or a
 * divergence (`detect:` actions), injects no faults and judges no `check:` gate; `gclip
 * check` writes no TensorBoard files, and with `--log` takes only the `check:` criteria.
 */
function appliesConfig(scope: ConfigScope, flag: ConfigFlag): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'single-run':
      return flag.path.join('.') !== 'log.tensorboard';
    case 'sweep':
      return !isClipSetting(flag) && !['log', 'detect', 'inject', 'check'].includes(flag.path[0]!);
    case 'check':
      return flag.path[0] === 'check';
    case 'none':
      return false;
  }
}

const SWEEP_CLIP_HINT = 'The sweep sets the clip block of every point: choose thresholds with --thresholds or --range, adaptive rows with --strategies; keep --norm-type to sweep another norm order.';

function sweepHint(flag: CliFlag): string | undefined {
  if (flag.config === undefined) return undefined;
  if (isClipSetting(flag.config)) return SWEEP_CLIP_HINT;
  if (flag.config.path[0] === 'inject') return 'A sweep compares healthy runs; test the gate with gclip check --inject (or gclip train --inject).';
  if (flag.config.path[0] === 'check') return 'A sweep judges no gate; give check criteria to gclip check.';
  return flag.config.path[0] === 'log' ? 'The sweep keeps its own files (see --out).' : 'The sweep halts every point on a non-finite value or a divergence.';
}

const { json: checkJson, quiet: checkQuiet, config: checkConfig, log, baseline, junit, ...logOnly } = CHECK;

/** Every command and its modes. A mode lists what it applies; nothing lists what is refused. */
export const COMMANDS: Readonly<Record<CommandPath, readonly CommandMode[]>> = {
  train: [{ label: 'gclip train', config: 'all', own: [CONFIG, OVERWRITE, TRAIN.json, TRAIN.quiet, TRAIN.resume, TRAIN.force] }],
  sweep: [{ label: 'gclip sweep', config: 'sweep', own: [CONFIG, ...Object.values(SWEEP)], hint: sweepHint }],
  'sweep merge': [
    {
      label: 'gclip sweep merge',
      config: 'none',
      own: Object.values(MERGE),
      hint: () => 'gclip sweep merge only combines finished sweep directories; give sweep flags to each gclip sweep --shard I/N run.',
    },
  ],
  'sweep worker': [{ label: 'gclip sweep worker', config: 'none', own: Object.values(WORKER), hint: () => 'A worker takes the plan from the store; give sweep flags to the `gclip sweep --store DIR` that creates it.' }],
  'sweep status': [{ label: 'gclip sweep status', config: 'none', own: Object.values(STATUS), hint: () => 'gclip sweep status only reads a store.' }],
  'sweep report': [{ label: 'gclip sweep report', config: 'none', own: Object.values(MERGE), hint: () => 'gclip sweep report only reads a store.' }],
  check: [
    {
      label: 'gclip check --log',
      when: (given) => given.has('--log'),
      config: 'check',
      own: [checkConfig, log, ...Object.values(logOnly), baseline, junit, checkJson],
      hint: () => 'Drop it: with --log nothing is trained.',
    },
    {
      label: 'gclip check without --log',
      config: 'single-run',
      own: [checkConfig, baseline, junit, checkJson, OVERWRITE, checkQuiet],
      hint: () => 'Add --log FILE, or drop it when training a config.',
    },
  ],
  report: [{ label: 'gclip report', config: 'none', own: Object.values(REPORT) }],
  init: [{ label: 'gclip init', config: 'none', own: Object.values(INIT) }],
  'config validate': [{ label: 'gclip config validate', config: 'none', own: [] }],
  'config print': [{ label: 'gclip config print', config: 'all', own: [CONFIG, PRINT_JSON] }],
  doctor: [{ label: 'gclip doctor', config: 'none', own: [DOCTOR_JSON] }],
  replay: [{ label: 'gclip replay', config: 'none', own: Object.values(REPLAY), hint: () => 'gclip replay trains the run\'s own config.json; only --backend may change.' }],
};

let shipped: readonly CliFlag[] | undefined;

/** The config flags, read from the shipped JSON Schema (no zod) on first use: `gclip --help` never needs them. */
export function configCliFlags(): readonly CliFlag[] {
  shipped ??= configFlags(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as JsonSchema).map(configCliFlag);
  return shipped;
}

/** The flags `mode` applies, in help order: `--config`, the config flags, then the rest. */
export function modeFlags(mode: CommandMode): CliFlag[] {
  const own = mode.own.map(ownCliFlag);
  const config = configCliFlags().filter((f) => appliesConfig(mode.config, f.config!) && !own.some((o) => o.name === f.name));
  const first = own.filter((f) => f.name === CONFIG.name);
  return [...first, ...config, ...own.filter((f) => f.name !== CONFIG.name)];
}

/** The flags any mode of `path` applies, one per name, in help order. */
export function commandFlags(path: CommandPath): CliFlag[] {
  const all = COMMANDS[path].flatMap(modeFlags);
  return all.filter((f, i) => all.findIndex((g) => g.name === f.name) === i);
}

/** The mode in use, from the names of the flags given. */
export function modeOf(path: CommandPath, given: ReadonlySet<string>): CommandMode {
  const modes = COMMANDS[path];
  return modes.find((m) => m.when?.(given) ?? true) ?? modes.at(-1)!;
}

/** Every flag of gclip, one per name (the first definition: what a command refusing it registers). */
export function allFlags(): CliFlag[] {
  const all = (Object.keys(COMMANDS) as CommandPath[]).flatMap(commandFlags);
  return all.filter((f, i) => all.findIndex((g) => g.name === f.name) === i);
}
