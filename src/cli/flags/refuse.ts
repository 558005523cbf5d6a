/**
 * A flag given to a command mode that does not apply it → `flag_not_applicable` (exit 2),
 * one issue per flag, naming the flag, the mode, and where the flag does apply.
 */
import { GclipError, type Issue } from '../../errors.js';
import { COMMANDS, isClipSetting, modeFlags, modeOf, type CommandPath } from './commands.js';
import type { CliFlag } from './types.js';

/** A flag given on the command line: its name (`--agc-exclude-final`) and how it was typed (`--no-agc-exclude-final`). */
export interface GivenFlag {
  readonly name: string;
  readonly typed: string;
}

/** "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The command modes that apply `name`; a command all of whose modes do is named once (`gclip check`). */
function applyingModes(name: string): string[] {
  return (Object.entries(COMMANDS) as Array<[CommandPath, (typeof COMMANDS)[CommandPath]]>).flatMap(([path, modes]) => {
    const applying = modes.filter((m) => modeFlags(m).some((f) => f.name === name));
    return applying.length === modes.length && modes.length > 1 ? [`gclip ${path}`] : applying.map((m) => m.label);
  });
}

/** "when training (gclip train, gclip sweep, ...)" or "to gclip report": where `flag` applies. */
function scopeOf(flag: CliFlag): string {
  const where = listed(applyingModes(flag.name));
  const phrase = flag.scope ?? (flag.config && (isClipSetting(flag.config) ? 'when training one clip strategy' : 'when training'));
  return phrase === undefined ? `to ${where}` : `${phrase} (${where})`;
}

/**
 * Throws `flag_not_applicable` when a flag in `given` is not one the mode in use of
 * `path` applies; `known` is every flag of gclip by name.
 */
export function refuseFlags(path: CommandPath, given: readonly GivenFlag[], known: ReadonlyMap<string, CliFlag>): void {
  const mode = modeOf(path, new Set(given.map((g) => g.name)));
  const applied = new Set(modeFlags(mode).map((f) => f.name));
  const issues = given.filter((g) => !applied.has(g.name)).map((g): Issue => {
    const flag = known.get(g.name)!;
    return {
      path: flag.config?.path.join('.') ?? '',
      message: `${g.typed} cannot be used with ${mode.label}: ${g.name} applies only ${scopeOf(flag)}`,
      hint: mode.hint?.(flag) ?? `Drop ${g.typed}.`,
      source: g.typed,
    };
  });
  if (issues.length > 0) throw new GclipError('flag_not_applicable', issues);
}
