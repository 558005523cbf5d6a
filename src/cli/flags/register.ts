/**
 * Registers a command's flags on commander from the tables: the flags its modes apply
 * (with help lines composed from their definitions) and, hidden, every other flag gclip
 * has, which a `preAction` hook refuses. So each flag of each command is either applied
 * or refused with exit 2, by construction.
 */
import { Option, type Command } from 'commander';
import type { RawFlags } from '../../config/flag-overrides.js';
import { allFlags, commandFlags, COMMANDS, modeFlags, modeOf, type CommandPath } from './commands.js';
import { negationHelp } from './help.js';
import { refuseFlags, type GivenFlag } from './refuse.js';
import type { CliFlag } from './types.js';

const DEFAULTS_NOTE = `
A default shown is the value when neither a flag nor the config file sets the field.
Without --config, gclip runs the built-in demo (configs/demo.yaml), which sets its own
model, data, train and clip blocks.`;

function addFlag(cmd: Command, flag: CliFlag, hidden: boolean): void {
  const short = !hidden && flag.short ? `${flag.short}, ` : '';
  const option = new Option(`${short}${flag.name}${flag.arg === undefined ? '' : ` <${flag.arg}>`}`, flag.help);
  if (hidden) option.hideHelp();
  else {
    if (flag.choices) option.choices(flag.choices);
    if (flag.default !== undefined) option.default(flag.default);
  }
  // A list flag may be repeated (`--inject nan@5 --inject spike@9:10`): every value is kept.
  if (flag.config?.value === 'list') option.argParser((value: string, earlier: unknown) => [...(Array.isArray(earlier) ? (earlier as string[]) : []), value]);
  cmd.addOption(option);
  if (flag.negatable) cmd.addOption(new Option(`--no-${flag.name.slice(2)}`, negationHelp(flag)).hideHelp(hidden));
}

/** The flags given on the command line to `cmd`, or to its parent command before it (`gclip sweep --seeds 2 merge`). */
export function givenFlags(cmd: Command): GivenFlag[] {
  const commands = cmd.parent?.parent ? [cmd, cmd.parent] : [cmd];
  const given = new Map<string, GivenFlag>();
  for (const c of commands) {
    for (const option of c.options) {
      const key = option.attributeName();
      if (c.getOptionValueSource(key) !== 'cli' || option.long === undefined) continue;
      const name = option.negate ? `--${option.long.slice(5)}` : option.long;
      given.set(name, { name, typed: c.getOptionValue(key) === false && option.negate ? option.long : name });
    }
  }
  return [...given.values()];
}

function addFlags(cmd: Command, path: CommandPath): void {
  const applied = commandFlags(path);
  const names = new Set(applied.map((f) => f.name));
  for (const flag of applied) addFlag(cmd, flag, false);
  for (const flag of allFlags()) if (!names.has(flag.name)) addFlag(cmd, flag, true);
}

/**
 * Gives `cmd` the flags of command `path`, and the hook that refuses those its mode in use
 * does not apply. The options are added when the command is dispatched (its parent's
 * `preSubcommand`), so `gclip --help` never builds the options of every command. Help
 * lines carry their own facts (choices, bounds, default).
 */
export function registerFlags(cmd: Command, path: CommandPath): Command {
  let added = false;
  cmd.parent?.hook('preSubcommand', (_parent, sub) => {
    if (sub !== cmd || added) return;
    added = true;
    addFlags(cmd, path);
  });
  cmd.configureHelp({ optionDescription: (option) => option.description });
  if (COMMANDS[path].some((m) => m.config !== 'none')) cmd.addHelpText('after', DEFAULTS_NOTE);
  cmd.hook('preAction', (hooked, action) => {
    if (hooked === action) refuseFlags(path, givenFlags(action), new Map(allFlags().map((f) => [f.name, f])));
  });
  return cmd;
}

/** The config flags the mode in use of `path` applies, as `resolveConfig` takes them. */
export function appliedConfigFlags(cmd: Command, path: CommandPath): RawFlags {
  const mode = modeOf(path, new Set(givenFlags(cmd).map((g) => g.name)));
  const opts = cmd.opts<Record<string, unknown>>();
  return Object.fromEntries(modeFlags(mode).flatMap((f) => (f.config && opts[f.config.key] !== undefined ? [[f.config.key, opts[f.config.key]]] : [])));
}
