/**
 * The flag reference of the docs, generated from the same tables the CLI registers from:
 * Markdown sections between `<!-- generated: NAME -->` and `<!-- end generated -->` that
 * a test keeps current (`npm run generate` rewrites them).
 */
import type { ConfigFlag } from '../../config/config-flags.js';
import { describeExpected } from '../../config/schema-nodes.js';
import { COMMANDS, configCliFlags, modeFlags, type CommandPath } from './commands.js';
import type { CliFlag } from './types.js';

const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string =>
  [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string): string => `\`${cell(text)}\``;

function usage(flag: CliFlag): string {
  const main = code(`${flag.name}${flag.arg === undefined ? '' : ` <${flag.arg}>`}`);
  return flag.negatable ? `${main} / ${code(`--no-${flag.name.slice(2)}`)}` : main;
}

function valueOf(flag: ConfigFlag): string {
  if (flag.kinds) return `${flag.kinds.join(' | ')}, or a path`;
  if (flag.node.enum) return flag.node.enum.join(' | ');
  if (flag.value === 'list') return 'comma-separated list';
  if (flag.value === 'json') return 'JSON5 object';
  return flag.value === 'string' ? 'text' : describeExpected(flag.node);
}

function defaultOf(flag: ConfigFlag): string {
  const value = flag.node.default;
  const shown = typeof value === 'object' && value !== null && 'kind' in value ? value.kind : value;
  return shown === undefined ? '—' : code(typeof shown === 'object' ? JSON.stringify(shown) : String(shown));
}

/** Which command modes apply `name`, as `train, sweep, check without --log`. */
function appliedBy(name: string): string {
  return (Object.values(COMMANDS) as Array<(typeof COMMANDS)[CommandPath]>)
    .flatMap((modes) => modes.filter((m) => modeFlags(m).some((f) => f.name === name)).map((m) => m.label.replace(/^gclip /, '')))
    .join(', ');
}

/** The config flags `keep` selects, one row each: flag, field, value, default, what it does (and where it applies). */
export function configFlagTable(keep: (flag: ConfigFlag) => boolean, withCommands: boolean): string {
  const head = ['flag', 'config field', 'value', 'default', 'what it does', ...(withCommands ? ['applied by'] : [])];
  const rows = configCliFlags().filter((f) => keep(f.config!)).map((f) => {
    const c = f.config!;
    const field = `${code(c.path.join('.'))}${c.selects === undefined ? '' : `, selects ${code(c.selects)}`}`;
    return [usage(f), field, cell(valueOf(c)), defaultOf(c), cell(c.node.description ?? ''), ...(withCommands ? [appliedBy(f.name)] : [])];
  });
  return table(head, rows);
}

/**
 * One table per command of the flags that are not config fields, with their help lines;
 * for a command with modes (`gclip check`), the modes that apply each.
 */
export function commandFlagTables(): string {
  return (Object.keys(COMMANDS) as CommandPath[])
    .map((path) => {
      const modes = COMMANDS[path];
      const flags = modes.flatMap(modeFlags).filter((f, i, all) => f.config === undefined && all.findIndex((g) => g.name === f.name) === i);
      const inModes = (f: CliFlag) => modes.filter((m) => m.own.some((o) => o.name === f.name)).map((m) => m.label).join(', ');
      const rows = flags.map((f) => [`${f.short ? `${code(f.short)}, ` : ''}${usage(f)}`, cell(f.help), ...(modes.length > 1 ? [inModes(f)] : [])]);
      const head = ['flag', 'what it does', ...(modes.length > 1 ? ['applied by'] : [])];
      return `### gclip ${path}\n\n${rows.length === 0 ? 'No flags of its own.' : table(head, rows)}`;
    })
    .join('\n\n');
}

/** The generated sections by name. */
export const SECTIONS: Readonly<Record<string, () => string>> = {
  'clip-flags': () => configFlagTable((f) => f.path[0] === 'clip', false),
  'config-flags': () => configFlagTable(() => true, true),
  'command-flags': commandFlagTables,
};

/** `text` with every generated section rewritten from the tables. Throws on an unknown section name. */
export function regenerate(text: string): string {
  return text.replace(/(<!-- generated: ([\w-]+) -->\n)[\s\S]*?(<!-- end generated -->)/g, (_all, open: string, name: string, close: string) => {
    const section = SECTIONS[name];
    if (section === undefined) throw new Error(`unknown generated section '${name}'`);
    return `${open}${section()}\n${close}`;
  });
}
