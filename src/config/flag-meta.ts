/**
 * How a config field is set from the command line. Written once, next to the field's zod
 * definition (`.meta(flag('--zclip-alpha', 'EMA smoothing'))`); `z.toJSONSchema` carries it
 * into the JSON Schema (`description` and a `flag` keyword), where `configFlags` finds it.
 * The field's type, bounds and default stay in zod: nothing here repeats them.
 */

/** The `flag` keyword of a JSON Schema node. */
export interface FlagMeta {
  /** The long flag, kebab-case: `--zclip-alpha`. */
  readonly name: string;
  /** A one-letter alias: `-o`. */
  readonly short?: string;
  /** The value's name in help (`--out <dir>`); by default from the field's type. */
  readonly arg?: string;
  /**
   * On the kind flag of a block (`--clip`): a flag on a field of one variant alone also
   * selects that variant (`--zclip-alpha 0.9` means `--clip zclip --zclip-alpha 0.9`).
   */
  readonly selectsKind?: boolean;
  /**
   * On a kind flag that also takes a path: a value matching `pattern` (a case-insensitive
   * RegExp source) makes the block `{ kind, [key]: value }` (`--model m/model.json`).
   */
  readonly path?: { readonly pattern: string; readonly kind: string; readonly key: string };
}

/** Zod metadata of a field set by a flag: its help text (the JSON Schema `description`) and the flag. */
export type FieldMeta = {
  readonly description: string;
  readonly flag: FlagMeta;
};

/** Metadata for `.meta()`: `name` sets the field, `description` is its help and its JSON Schema description. */
export function flag(name: string, description: string, more: Omit<FlagMeta, 'name'> = {}): FieldMeta {
  return { description, flag: { name, ...more } };
}
