import { Chalk } from 'chalk';
import { renderedError } from '../../../test/helpers/errors.js';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, memoryReader, type Reader } from '../../config/load.js';
import { resolveConfig, type RawFlags } from '../../config/merge.js';
import { GclipError, internalError } from '../../errors.js';
import { colorLevel, createColor } from './color.js';
import { exitCodeOf, renderError } from './errors.js';

const plain = { color: new Chalk({ level: 0 }), debug: false };

const rendered = renderedError;

const load = (path: string, text?: string, read?: Reader) =>
  loadConfigFile(path, read ?? memoryReader(text === undefined ? {} : { [path]: text }));
const resolveText = async (text: string, flags: RawFlags = {}) =>
  resolveConfig({ file: await load('configs/run.yaml', text), flags });

describe('renderError: one snapshot per issue code', () => {
  it('config_not_found', async () => {
    expect(await rendered(() => load('configs/missing.yaml'))).toMatchInlineSnapshot(`
      "✖ Config file not found: configs/missing.yaml
        at configs/missing.yaml
        → Check the path (relative to the current directory). Start from configs/demo.yaml, or run \`gclip init\` to write a starter config."
    `);
  });

  it('config_unreadable', async () => {
    const read: Reader = async () => {
      throw Object.assign(new Error("EISDIR: illegal operation on a directory, read"), { code: 'EISDIR' });
    };
    expect(await rendered(() => load('configs.yaml', undefined, read))).toMatchInlineSnapshot(`
      "✖ Cannot read config file configs.yaml: EISDIR: illegal operation on a directory, read
        at configs.yaml
        → Check that it is a readable file, not a directory."
    `);
  });

  it('unsupported_config_format', async () => {
    expect(await rendered(() => load('run.toml', 'seed = 1'))).toMatchInlineSnapshot(`
      "✖ Unsupported config file type 'run.toml': expected .yaml, .yml or .json
        at run.toml
        → Rename the file with a .yaml or .json extension matching its content."
    `);
  });

  it('invalid_config_syntax (YAML)', async () => {
    expect(await rendered(() => load('configs/run.yaml', 'train:\n  lr: 0.1\n steps: 3\n'))).toMatchInlineSnapshot(`
      "✖ Malformed YAML: All mapping items must start at the same column
        at configs/run.yaml:3:1
        → YAML needs \`key: value\` pairs with consistent space indentation (no tabs); quote values containing \`: \` or \`#\`."
    `);
  });

  it('invalid_config (top level not a mapping)', async () => {
    expect(await rendered(() => load('configs/run.yaml', '- clip\n- train\n'))).toMatchInlineSnapshot(`
      "✖ The config file must be a mapping of fields (model:, data:, train:, ...), received a list
        at configs/run.yaml:1
        → Start from configs/demo.yaml, or run \`gclip init\` to write a starter config."
    `);
  });

  it('invalid_config (one block per issue: range, unknown key, enum)', async () => {
    const text = 'train:\n  steps: 0\n  optimiser: adam\nclip:\n  kind: norm\n  maxNorm: -1\nbackend: gpu\n';
    expect(await rendered(() => resolveText(text))).toMatchInlineSnapshot(`
      "✖ Invalid value for train.steps: expected a positive integer, received 0
        at train.steps (configs/run.yaml:2)
        → Use a positive integer, e.g. steps: 200.
      ✖ Unknown key 'optimiser' in train
        at train.optimiser (configs/run.yaml:3)
        → Did you mean optimizer? Allowed keys in train: steps, epochs, optimizer, lr, momentum, evalEvery, loss.
      ✖ Invalid value for clip.maxNorm: expected a positive number, received -1
        at clip.maxNorm (configs/run.yaml:6)
        → Use a positive number, e.g. maxNorm: 1.
      ✖ Invalid value for backend: expected one of 'auto' | 'node' | 'wasm' | 'cpu', received 'gpu'
        at backend (configs/run.yaml:7)
        → Did you mean 'cpu'?"
    `);
  });

  it('invalid_flag', async () => {
    expect(await rendered(() => resolveConfig({ flags: { lr: 'abc' } }))).toMatchInlineSnapshot(`
      "✖ Invalid value for --lr: expected a positive number, received 'abc'
        at train.lr (--lr)
        → Use a positive number, e.g. --lr 0.001."
    `);
  });

  it('conflicting_flags', async () => {
    expect(await rendered(() => resolveConfig({ flags: { clip: 'none', clipNorm: '1' } }))).toMatchInlineSnapshot(`
      "✖ Conflicting flags --clip none and --clip-norm 1: both set clip.kind ('none' vs 'norm')
        at clip.kind (--clip, --clip-norm)
        → Pass only one of them; --clip-norm alone already sets clip.kind to 'norm'."
    `);
  });

  it('internal errors (not GclipError)', () => {
    expect(renderError(new TypeError("Cannot read properties of undefined (reading 'shape')"), plain)).toMatchInlineSnapshot(`
      "✖ Internal error: Cannot read properties of undefined (reading 'shape')
        This is a bug in gclip; please report it with the command you ran (rerun with --debug for the stack trace)."
    `);
  });

  it('internal GclipError (exit 3)', () => {
    expect(renderError(internalError('chain_state_mismatch', 'chain state has 1 entry for 2 strategies; call init first'), plain)).toMatchInlineSnapshot(`
      "✖ chain state has 1 entry for 2 strategies; call init first
        This is a bug in gclip; please report it with the command you ran (rerun with --debug for the stack trace)."
    `);
  });
});

describe('renderError', () => {
  it('never prints a stack for bad input, even with --debug', async () => {
    const error = new GclipError('invalid_config', [{ path: 'seed', message: 'Invalid value for seed' }]);
    const text = renderError(error, { ...plain, debug: true });
    expect(text).not.toContain(' at file:');
    expect(text).not.toMatch(/\.ts:\d+/);
    expect(text).toBe('✖ Invalid value for seed\n  at seed');
  });

  it('prints the stack of an internal error only with --debug', () => {
    const error = new Error('boom');
    expect(renderError(error, plain)).not.toContain(error.stack ?? '<no stack>');
    expect(renderError(error, { ...plain, debug: true })).toContain(error.stack ?? '<no stack>');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a plain object', { reason: 'x' }],
    ['an empty object', {}],
    ['a circular object', (() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()],
    ['an issue without hint or source', new GclipError('invalid_config', [{ path: '', message: '' }])],
    ['a GclipError without issues', new GclipError('invalid_config', [])],
  ])('never prints "undefined" or "[object Object]" for %s', (_label, value) => {
    const text = renderError(value, plain);
    expect(text).not.toMatch(/undefined|\[object Object\]/);
    expect(text.startsWith('✖ ')).toBe(true);
  });

  it('colours the marker when colour is on and emits no ANSI when off', async () => {
    const error = new GclipError('invalid_flag', [{ path: 'train.lr', message: 'bad', hint: 'fix', source: '--lr' }]);
    expect(renderError(error, { color: new Chalk({ level: 1 }), debug: false })).toContain('\u001b[31m');
    expect(renderError(error, plain)).not.toContain('\u001b[');
  });
});

describe('exitCodeOf', () => {
  it('is 2 for bad input, 3 for internal GclipErrors and anything else', () => {
    expect(exitCodeOf(new GclipError('invalid_config', []))).toBe(2);
    expect(exitCodeOf(internalError('chain_state', 'y'))).toBe(3);
    expect(exitCodeOf(new Error('boom'))).toBe(3);
    expect(exitCodeOf('string')).toBe(3);
  });
});

// color.ts decides the instance renderError receives; its rules are pinned here.
describe('colorLevel', () => {
  const tty = { isTTY: true, env: { TERM: 'xterm' } };
  it.each([
    ['a plain TTY', tty, 1],
    ['a 256-colour TTY', { isTTY: true, env: { TERM: 'xterm-256color' } }, 2],
    ['COLORTERM=truecolor', { isTTY: true, env: { COLORTERM: 'truecolor' } }, 3],
    ['not a TTY', { isTTY: false, env: { TERM: 'xterm' } }, 0],
    ['TERM=dumb', { isTTY: true, env: { TERM: 'dumb' } }, 0],
    ['NO_COLOR=1 on a TTY', { isTTY: true, env: { NO_COLOR: '1' } }, 0],
    ['an empty NO_COLOR (ignored, per no-color.org)', { isTTY: true, env: { NO_COLOR: '' } }, 1],
    ['--no-color on a TTY', { ...tty, flag: false }, 0],
    ['--no-color over FORCE_COLOR', { isTTY: true, env: { FORCE_COLOR: '3' }, flag: false }, 0],
    ['FORCE_COLOR=1 without a TTY', { isTTY: false, env: { FORCE_COLOR: '1' } }, 1],
    ['FORCE_COLOR over NO_COLOR (as Node does)', { isTTY: false, env: { FORCE_COLOR: '2', NO_COLOR: '1' } }, 2],
    ['FORCE_COLOR=0 on a TTY', { isTTY: true, env: { FORCE_COLOR: '0' } }, 0],
    ['FORCE_COLOR= (empty)', { isTTY: false, env: { FORCE_COLOR: '' } }, 1],
  ])('%s → level %i', (_label, options, level) => {
    expect(colorLevel(options)).toBe(level);
  });

  it('gives renderError a chalk instance at that level', () => {
    const error = new GclipError('invalid_flag', [{ path: 'train.lr', message: 'bad', source: '--lr' }]);
    const off = createColor({ isTTY: true, env: { NO_COLOR: '1' } });
    expect(renderError(error, { color: off, debug: false })).not.toContain('\u001b[');
    const on = createColor({ isTTY: false, env: { FORCE_COLOR: '1' } });
    expect(renderError(error, { color: on, debug: false })).toContain('\u001b[');
  });
});
