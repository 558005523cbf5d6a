/**
 * Walks every flag of every command mode from the one definition: each is either applied
 * (a config flag changes the resolved config; a command flag reaches the action) or
 * refused with `flag_not_applicable`, exit 2. In-process through `createProgram`; the
 * action itself never runs (a hook after the refusal hook stops there).
 */
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { withinBounds } from '../../config/bounds.js';
import { configSchema, resolveConfig } from '../../config/merge.js';
import { boundsOf } from '../../config/schema-nodes.js';
import { isGclipError, type GclipError } from '../../errors.js';
import { createProgram } from '../program.js';
import { exitCodeOf } from '../render/errors.js';
import { allFlags, COMMANDS, configCliFlags, modeFlags, modeOf, type CommandPath } from './commands.js';
import { appliedConfigFlags } from './register.js';
import type { CliFlag, CommandMode } from './types.js';

/** Thrown by the test's own hook: the command got past the refusal and would run now. */
class WouldRun {
  constructor(readonly command: Command) {}
}

const quiet = { out: () => {}, err: () => {}, env: {}, cwd: process.cwd(), errIsTTY: false, outIsTTY: false };

function commandAt(program: Command, path: CommandPath): Command {
  return path.split(' ').reduce((cmd, name) => cmd.commands.find((c) => c.name() === name)!, program);
}

/** Runs `gclip <path> ...args` up to its action; returns what stopped it. */
async function attempt(path: CommandPath, args: readonly string[]): Promise<WouldRun | GclipError> {
  const program = createProgram({ io: quiet, setExit: () => {} });
  const cmd = commandAt(program, path);
  cmd.hook('preAction', (_hooked, action) => {
    throw new WouldRun(action);
  });
  const positional = cmd.registeredArguments.filter((a) => a.required).map(() => 'x');
  try {
    await program.parseAsync([...path.split(' '), ...positional, ...args], { from: 'user' });
  } catch (e) {
    if (e instanceof WouldRun || isGclipError(e)) return e;
    throw e;
  }
  throw new Error(`gclip ${path} ${args.join(' ')} neither ran nor failed`);
}

/** Flags that put `mode` in use: `--log FILE` for `gclip check --log`. */
function selecting(path: CommandPath, mode: CommandMode): string[] {
  return modeOf(path, new Set()) === mode ? [] : ['--log', 'x.jsonl'];
}

/** A config value different from the schema default, as typed after the flag. */
function configSample(flag: CliFlag): string[] {
  const c = flag.config!;
  const node = c.node;
  const fallback = typeof node.default === 'object' && node.default !== null ? (node.default as { kind?: unknown }).kind : node.default;
  if (c.kinds) {
    const variants = configSchema().schema.properties?.[c.path[0]!]?.oneOf ?? [];
    const alone = (kind: string) => (variants.find((v) => v.properties?.kind?.const === kind)?.required ?? []).every((r) => r === 'kind');
    return [flag.name, c.kinds.find((k) => k !== fallback && alone(k))!];
  }
  if (c.value === 'boolean') return [node.default === true ? `--no-${flag.name.slice(2)}` : flag.name];
  if (node.enum) return [flag.name, String(node.enum.find((v) => v !== node.default))];
  if (c.value === 'normType') return [flag.name, '1'];
  if (c.value === 'number') {
    return [flag.name, String([0.5, 3, 7, 50].find((n) => n !== node.default && withinBounds(n, boundsOf(node))))];
  }
  if (flag.name === '--inject') return [flag.name, 'nan@1'];
  return [flag.name, { list: 'a,b', json: '{"maxNorm": 2}' }[c.value as string] ?? 'x'];
}

/** A path for each kind flag that takes one. */
const PATHS: Readonly<Record<string, string>> = { '--data': 'x.csv', '--clip': './x.js', '--model': 'm/model.json' };

/**
 * What a flag needs beside it to give a valid config: the other required fields of the
 * one variant that has it (`--clip-norm 1` for `--norm-semantics`), or the path that
 * selects that variant (`--data x.csv` for `--features`, `--clip ./x.js` for `--clip-options`).
 */
function context(flag: CliFlag): string[] {
  const [block, key] = flag.config!.path;
  const variants = configSchema().schema.properties?.[block!]?.oneOf ?? [];
  const holders = variants.filter((v) => (v.properties?.[key!]?.flag as { name?: string } | undefined)?.name === flag.name);
  if (holders.length !== 1 || key === 'kind') return [];
  const kind = holders[0]!.properties?.kind?.const;
  const kindFlag = configCliFlags().find((f) => f.config!.path.join('.') === `${block}.kind`)!;
  if (kind === kindFlag.config!.orPath?.kind) return [kindFlag.name, PATHS[kindFlag.name]!];
  const required = (holders[0]!.required ?? []).filter((k) => k !== 'kind' && k !== key);
  return required.flatMap((k) => configSample(configCliFlags().find((f) => f.config!.path[1] === k && f.config!.selects === kind)!));
}

function sample(flag: CliFlag): string[] {
  if (flag.config) return configSample(flag);
  if (flag.arg === undefined) return [flag.name];
  const value = flag.choices?.find((c) => c !== flag.default) ?? (flag.bounds ? '2' : 'x');
  return [flag.name, value];
}

const modes = (Object.entries(COMMANDS) as Array<[CommandPath, readonly CommandMode[]]>).flatMap(([path, ms]) => ms.map((mode) => ({ path, mode })));

/** `flag` given to `mode` of `path`: applied (and effective) or refused; throws otherwise. */
async function check(path: CommandPath, mode: CommandMode, any: CliFlag): Promise<void> {
  const flag = modeFlags(mode).find((f) => f.name === any.name);
  const base = [...selecting(path, mode), ...(flag?.config ? context(flag) : [])];
  const args = [...base, ...sample(flag ?? any)];
  if (modeOf(path, new Set(args.filter((a) => a.startsWith('--')))) !== mode) return; // --log picks the other mode of check
  const outcome = await attempt(path, args);
  if (flag === undefined) {
    if (outcome instanceof WouldRun) throw new Error(`${any.name} was neither applied nor refused by ${mode.label}`);
    expect(outcome.code, outcome.message).toBe('flag_not_applicable');
    expect(exitCodeOf(outcome)).toBe(2);
    expect(outcome.issues.map((i) => i.message)).toEqual([expect.stringContaining(`cannot be used with ${mode.label}: ${any.name} applies only`)]);
    return;
  }
  if (!(outcome instanceof WouldRun)) throw outcome;
  const key = outcome.command.options.find((o: Option) => o.long === flag.name)!.attributeName();
  if (flag.config === undefined) {
    // A subcommand's action also reads the flags given to its parent (`gclip sweep --json merge`).
    expect({ ...outcome.command.parent?.opts(), ...outcome.command.opts() }[key], flag.name).toBeDefined();
    return;
  }
  const without = (await attempt(path, base)) as WouldRun;
  const before = resolveConfig({ flags: appliedConfigFlags(without.command, path) }).config;
  expect(resolveConfig({ flags: appliedConfigFlags(outcome.command, path) }).config, flag.name).not.toEqual(before);
}

// One test per mode, not per flag: hundreds of tiny tests flood vitest's worker RPC on a loaded machine.
describe('every flag of every command mode is applied or refused', () => {
  it.each(modes.map((m) => [m.mode.label, m] as const))('%s', async (_label, { path, mode }) => {
    const failures: string[] = [];
    for (const flag of allFlags()) {
      await check(path, mode, flag).catch((e: unknown) => failures.push(`${flag.name}: ${(e as Error).message}`));
    }
    expect(failures).toEqual([]);
  });
});

describe('the flag tables', () => {
  it('give each flag name one arity and one config key, as commander derives it', () => {
    const byName = new Map<string, CliFlag[]>();
    for (const modes of Object.values(COMMANDS)) for (const mode of modes) for (const f of mode.own) byName.set(f.name, [...(byName.get(f.name) ?? []), f as CliFlag]);
    for (const f of configCliFlags()) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
    for (const [name, defs] of byName) expect(new Set(defs.map((d) => d.arg === undefined)).size, name).toBe(1);
    for (const f of configCliFlags()) expect(new Option(f.name).attributeName()).toBe(f.config!.key);
  });

  it('read the same config flags from the shipped schema as the merge builds from zod', () => {
    expect(configCliFlags().map((f) => [f.name, f.config!.path.join('.'), f.config!.selects])).toEqual(
      configSchema().flags.map((f) => [f.name, f.path.join('.'), f.selects]),
    );
  });

  it('refuse several flags at once, one issue each', async () => {
    const outcome = await attempt('check', ['--log', 'x.jsonl', '--zclip-alpha', '0.5', '--features', 'a,b']);
    expect(isGclipError(outcome) && outcome.issues.map((i) => i.source)).toEqual(['--features', '--zclip-alpha']);
  });

  it('refuse a flag given to sweep before its merge subcommand', async () => {
    const outcome = await attempt('sweep merge', []);
    expect(outcome).toBeInstanceOf(WouldRun);
    const program = createProgram({ io: quiet, setExit: () => {} });
    await expect(program.parseAsync(['sweep', '--seeds', '2', 'merge', 'd'], { from: 'user' })).rejects.toMatchObject({ code: 'flag_not_applicable' });
  });
});
