/** The shapes of the flag tables: one flag as the CLI registers it, and a command's modes. */
import type { NumberBounds } from '../../config/bounds.js';
import type { ConfigFlag } from '../../config/config-flags.js';

/** A flag of a command that is not a config field (`--json`, `--thresholds`, `--html`). */
export interface OwnFlag {
  /** `--clipped-at`. */
  readonly name: string;
  readonly short?: string;
  /** The value's name in help (`<x>`); absent for a switch. */
  readonly arg?: string;
  /** What it does; the facts below are appended to the help line from the fields themselves. */
  readonly about: string;
  /** Completes "--x applies only …" when refused elsewhere (`to --log`); default: the commands that take it. */
  readonly scope?: string;
  /** Allowed values, checked by commander. */
  readonly choices?: readonly string[];
  /** Applied by commander when the flag is absent. */
  readonly default?: string | number;
  /** Applied by the command's core when the flag is absent; shown in help only. */
  readonly shownDefault?: string | number;
  /** A number flag: the bounds its value must be within (shown in help; the command checks them). */
  readonly bounds?: NumberBounds;
}

/** One flag as registered on commander: an own flag, or a config flag, with its help line composed. */
export interface CliFlag extends OwnFlag {
  /** `about` and the facts of the flag's type, bounds and default: what `--help` prints. */
  readonly help: string;
  /** Also `--no-<name>` (a boolean config field). */
  readonly negatable?: boolean;
  /** The config field behind it, for config flags. */
  readonly config?: ConfigFlag;
}

/** Which config flags a command mode applies: every one, the ones a sweep keeps, the `check:` criteria only, or none. */
export type ConfigScope = 'all' | 'sweep' | 'single-run' | 'check' | 'none';

/** One way a command runs (`gclip check` reads a log or trains): the flags it applies. */
export interface CommandMode {
  /** How messages name the command in this mode: `gclip check --log`. */
  readonly label: string;
  /** Whether this mode is the one in use, from the flags given; the first match wins. */
  readonly when?: (given: ReadonlySet<string>) => boolean;
  readonly config: ConfigScope;
  readonly own: readonly OwnFlag[];
  /** How to fix a flag refused in this mode, by the refused flag; default: drop it. */
  readonly hint?: (flag: CliFlag) => string | undefined;
}
