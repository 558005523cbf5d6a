/**
 * Command-line flags → the config fields they set (`config-flags.ts` says which flag sets
 * which field and how its text becomes a value). Pure; the merge applies the result.
 */
import JSON5 from 'json5';
import { inputError } from '../errors.js';
import { parseDecimal } from './bounds.js';
import type { ConfigFlag } from './config-flags.js';
import { dotted } from './field-path.js';
import type { FieldPath } from './load.js';

/** Options as commander hands them over (camelCased flag names, raw string values). */
export type RawFlags = Readonly<Record<string, unknown>>;

/** One field set by a flag: the value zod sees and the text the user typed. */
export interface Override {
  readonly flag: string;
  readonly path: FieldPath;
  readonly raw: string;
  readonly value: unknown;
  /** The flag as typed, for messages: `--clip-norm 1`. */
  readonly typed: string;
  /** Set by a flag that selects a block kind (`--clip-norm` selects clip kind 'norm'). */
  readonly selected?: boolean;
}

/**
 * The fields `flags` set, in schema order. A kind flag given a path sets the kind and the
 * path field (`--model m/model.json` → `model.kind: file`, `model.path`); a flag that
 * selects a kind also sets its block's kind.
 */
export function overridesOf(flags: RawFlags, specs: readonly ConfigFlag[]): Override[] {
  const overrides: Override[] = [];
  for (const spec of specs) {
    const given = flags[spec.key];
    if (given === undefined) continue;
    // A repeated list flag arrives as its values (see cli/flags/register): joined, they read as one list.
    const raw = String(given);
    const typed = given === true ? spec.name : given === false ? `--no-${spec.name.slice(2)}` : `${spec.name} ${raw}`;
    const at = { flag: spec.name, typed };
    if (spec.orPath?.test.test(raw)) {
      const { kind, key } = spec.orPath;
      overrides.push({ ...at, path: spec.path, raw: kind, value: kind });
      overrides.push({ ...at, path: [...spec.path.slice(0, -1), key], raw, value: raw });
      continue;
    }
    if (spec.selects !== undefined) {
      overrides.push({ ...at, path: [...spec.path.slice(0, -1), 'kind'], raw: spec.selects, value: spec.selects, selected: true });
    }
    overrides.push({ ...at, path: spec.path, raw, value: typeof given === 'string' || Array.isArray(given) ? convert(raw, spec) : given });
  }
  return overrides;
}

/** Flag text → the value zod validates. Text that is not a number stays text, so zod reports it. */
function convert(raw: string, spec: ConfigFlag): unknown {
  const text = raw.trim();
  switch (spec.value) {
    case 'string':
      return raw;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : raw;
    case 'json':
      return parseJsonFlag(raw, spec);
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
    case 'normType':
      if (text.toLowerCase() === 'inf') return 'inf';
  }
  return parseDecimal(text) ?? raw;
}

/** `--clip-options '{"maxNorm": 2}'` (JSON5, so `{maxNorm: 2}` works too) → the object. */
function parseJsonFlag(raw: string, spec: ConfigFlag): unknown {
  try {
    return JSON5.parse(raw);
  } catch (error) {
    throw inputError('invalid_flag', {
      path: dotted(spec.path),
      message: `Invalid value for ${spec.name}: expected a JSON object, received '${raw}' (${(error as Error).message})`,
      hint: `Quote it for the shell, e.g. ${spec.name} '{"maxNorm": 2}'.`,
      source: spec.name,
    });
  }
}

/** Two flags selecting different kinds of the same block (`--clip none --clip-norm 1`): `conflicting_flags`. */
export function checkConflicts(overrides: readonly Override[]): void {
  const kinds = overrides.filter((o) => o.path.at(-1) === 'kind');
  for (const [i, a] of kinds.entries()) {
    const b = kinds.slice(i + 1).find((o) => dotted(o.path) === dotted(a.path) && o.value !== a.value);
    if (b === undefined) continue;
    const field = dotted(a.path);
    const implied = a.selected ? a : b;
    throw inputError('conflicting_flags', {
      path: field,
      message: `Conflicting flags ${a.typed} and ${b.typed}: both set ${field} ('${String(a.value)}' vs '${String(b.value)}')`,
      hint: `Pass only one of them; ${implied.flag} alone already sets ${field} to '${String(implied.value)}'.`,
      source: `${a.flag}, ${b.flag}`,
    });
  }
}
