/**
 * Help lines composed from a flag's definition: what it does, then the facts its type
 * carries (choices, bounds) and its default. No help text repeats a default or a bound.
 */
import { describeNumber } from '../../config/bounds.js';
import type { ConfigFlag } from '../../config/config-flags.js';
import { describeExpected } from '../../config/schema-nodes.js';
import type { CliFlag, OwnFlag } from './types.js';

function withFacts(about: string, facts: ReadonlyArray<string | undefined>): string {
  const shown = facts.filter((f): f is string => f !== undefined);
  return shown.length === 0 ? about : `${about} (${shown.join('; ')})`;
}

/**
 * `default: 0.97`; a block's default (`{kind: 'mlp'}`) shows its kind. None for other
 * objects and lists, nor for a switch that is off unless given.
 */
function defaultFact(value: unknown): string | undefined {
  const shown = typeof value === 'object' && value !== null && 'kind' in value ? value.kind : value;
  return shown === undefined || shown === false || typeof shown === 'object' ? undefined : `default: ${String(shown)}`;
}

/** What a config flag's value may be, in help: kinds or choices as `a | b`, number bounds in words. */
function expectedFact(flag: ConfigFlag): string | undefined {
  if (flag.kinds !== undefined) return flag.kinds.join(' | ');
  if (flag.node.enum !== undefined) return flag.node.enum.join(' | ');
  return flag.value === 'number' || flag.value === 'normType' ? describeExpected(flag.node) : undefined;
}

/** A config flag as the CLI registers it: `zclip: EMA smoothing (a number greater than 0 and less than 1; default: 0.97)`. */
export function configCliFlag(flag: ConfigFlag): CliFlag {
  const about = `${flag.selects === undefined ? '' : `${flag.selects}: `}${flag.node.description ?? ''}`;
  return {
    name: flag.name,
    ...(flag.short === undefined ? {} : { short: flag.short }),
    ...(flag.arg === undefined ? {} : { arg: flag.arg }),
    about,
    help: withFacts(about, [expectedFact(flag), defaultFact(flag.node.default)]),
    ...(flag.value === 'boolean' ? { negatable: true } : {}),
    config: flag,
  };
}

/** An own flag with its help line: `terminal chart width in columns (an integer from 20 to 1000; default: 72)`. */
export function ownCliFlag(flag: OwnFlag): CliFlag {
  const facts = [
    flag.choices?.join(' | '),
    flag.bounds && describeNumber(flag.bounds),
    defaultFact(flag.default ?? flag.shownDefault),
  ];
  return { ...flag, help: withFacts(flag.about, facts) };
}

/** The help line of `--no-<name>`. */
export function negationHelp(flag: CliFlag): string {
  return `${flag.config?.selects === undefined ? '' : `${flag.config.selects}: `}turn ${flag.name} off`;
}
