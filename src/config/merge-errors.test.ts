import { describe, expect, it } from 'vitest';
import { GclipError } from '../errors.js';
import { loadConfigFile, memoryReader } from './load.js';
import { resolveConfig, type RawFlags } from './merge.js';

const FILE = 'configs/run.yaml';

/** The GclipError thrown when loading `text` (if given) as FILE and resolving it with `flags`. */
async function failure(text: string | undefined, flags: RawFlags = {}, path = FILE): Promise<GclipError> {
  try {
    const file = text === undefined ? undefined : await loadConfigFile(path, memoryReader({ [path]: text }));
    resolveConfig({ file, flags });
  } catch (error) {
    if (error instanceof GclipError) return error;
    throw error;
  }
  throw new Error('expected resolveConfig to throw');
}

interface Case {
  readonly name: string;
  readonly text?: string;
  readonly flags?: RawFlags;
  readonly path?: string;
  readonly code: string;
  /** Expected first issue: dotted field path, `file:line` or flag, and message/hint fragments. */
  readonly issue: { path: string; source: string; message?: string; hint?: string };
}

const cases: Case[] = [
  {
    name: 'a string where a number belongs',
    text: 'train:\n  lr: fast\n',
    code: 'invalid_config',
    issue: { path: 'train.lr', source: `${FILE}:2`, message: "expected a positive number, received 'fast'" },
  },
  {
    name: 'an unknown key, with did-you-mean from the discriminated variant',
    text: 'data:\n  kind: adding\n  seqLen: 5\n',
    code: 'invalid_config',
    issue: { path: 'data.seqLen', source: `${FILE}:3`, hint: 'Did you mean seqLength?' },
  },
  {
    name: 'an unknown top-level key',
    text: 'seed: 1\ntrian:\n  steps: 3\n',
    code: 'invalid_config',
    issue: { path: 'trian', source: `${FILE}:2`, hint: 'Did you mean train?' },
  },
  {
    name: 'an unknown nested key',
    text: 'model:\n  kind: rnn\n  recurrentInit:\n    kind: orthogonal\n    sacle: 3\n',
    code: 'invalid_config',
    issue: { path: 'model.recurrentInit.sacle', source: `${FILE}:5`, hint: 'Did you mean scale?' },
  },
  {
    name: 'a negative threshold in the file',
    text: 'clip:\n  kind: norm\n  maxNorm: -1\n',
    code: 'invalid_config',
    issue: { path: 'clip.maxNorm', source: `${FILE}:3`, message: 'expected a positive number, received -1' },
  },
  {
    name: 'a NaN threshold in the file (.nan)',
    text: 'clip:\n  kind: value\n  clipValue: .nan\n',
    code: 'invalid_config',
    issue: { path: 'clip.clipValue', source: `${FILE}:3`, message: 'received NaN' },
  },
  {
    name: 'an infinite threshold in the file (.inf)',
    text: 'clip:\n  kind: norm\n  maxNorm: .inf\n',
    code: 'invalid_config',
    issue: { path: 'clip.maxNorm', source: `${FILE}:3`, message: 'received Infinity' },
  },
  {
    name: 'a missing required threshold (pointing at its block)',
    text: 'clip:\n  kind: norm\n',
    code: 'invalid_config',
    issue: { path: 'clip.maxNorm', source: `${FILE}:1`, message: 'Missing clip.maxNorm: expected a positive number' },
  },
  {
    name: 'steps 0',
    text: 'train:\n  steps: 0\n',
    code: 'invalid_config',
    issue: { path: 'train.steps', source: `${FILE}:2`, message: 'expected a positive integer, received 0' },
  },
  {
    name: 'a bad enum, listing the options',
    text: 'train:\n  optimizer: adamw\n',
    code: 'invalid_config',
    issue: { path: 'train.optimizer', source: `${FILE}:2`, message: "one of 'sgd' | 'momentum' | 'adam' | 'rmsprop'", hint: "Did you mean 'adam'?" },
  },
  {
    name: 'an unknown clip kind',
    text: 'clip:\n  kind: nrom\n  maxNorm: 1\n',
    code: 'invalid_config',
    issue: { path: 'clip.kind', source: `${FILE}:2`, hint: "Did you mean 'norm'?" },
  },
  {
    name: 'a norm type below 1 in the file',
    text: 'clip:\n  kind: none\n  normType: 0.5\n',
    code: 'invalid_config',
    issue: { path: 'clip.normType', source: `${FILE}:3`, message: "expected 'inf' or a number ≥ 1, received 0.5" },
  },
  {
    name: 'a bad array element',
    text: 'model:\n  kind: mlp\n  hidden:\n    - 8\n    - 0\n',
    code: 'invalid_config',
    issue: { path: 'model.hidden[1]', source: `${FILE}:5`, message: 'received 0' },
  },
  {
    name: 'a bad value in a JSON file',
    text: '{\n  "seed": -3\n}\n',
    path: 'run.json',
    code: 'invalid_config',
    issue: { path: 'seed', source: 'run.json:2', message: 'expected an integer from 0 to 4294967295, received -3' },
  },
  {
    name: '--lr abc',
    flags: { lr: 'abc' },
    code: 'invalid_flag',
    issue: { path: 'train.lr', source: '--lr', message: "Invalid value for --lr: expected a positive number, received 'abc'", hint: '--lr 0.001' },
  },
  {
    name: '--steps 1.5',
    flags: { steps: '1.5' },
    code: 'invalid_flag',
    issue: { path: 'train.steps', source: '--steps', message: "expected a positive integer, received '1.5'" },
  },
  {
    name: '--clip-norm -1',
    flags: { clipNorm: '-1' },
    code: 'invalid_flag',
    issue: { path: 'clip.maxNorm', source: '--clip-norm', message: "received '-1'" },
  },
  {
    name: '--clip-norm nan',
    flags: { clipNorm: 'nan' },
    code: 'invalid_flag',
    issue: { path: 'clip.maxNorm', source: '--clip-norm', message: "expected a positive number, received 'nan'" },
  },
  {
    name: '--clip-value Infinity',
    flags: { clipValue: 'Infinity' },
    code: 'invalid_flag',
    issue: { path: 'clip.clipValue', source: '--clip-value', message: "received 'Infinity'" },
  },
  {
    name: '--norm-type 0.5',
    flags: { normType: '0.5' },
    code: 'invalid_flag',
    issue: { path: 'clip.normType', source: '--norm-type', message: "expected 'inf' or a number ≥ 1, received '0.5'" },
  },
  {
    name: '--backend gpu',
    flags: { backend: 'gpu' },
    code: 'invalid_flag',
    issue: { path: 'backend', source: '--backend', message: "one of 'auto' | 'node' | 'wasm' | 'cpu'" },
  },
  {
    name: '--on-nonfinite stop',
    flags: { onNonfinite: 'stop' },
    code: 'invalid_flag',
    issue: { path: 'detect.nonfinite.action', source: '--on-nonfinite', message: "one of 'halt' | 'rollback' | 'skip' | 'warn'" },
  },
  {
    name: '--clip-norm with --clip-value',
    flags: { clipNorm: '1', clipValue: '2' },
    code: 'conflicting_flags',
    issue: { path: 'clip.kind', source: '--clip-norm, --clip-value' },
  },
  {
    name: '--clip none with --clip-norm',
    flags: { clip: 'none', clipNorm: '1' },
    code: 'conflicting_flags',
    issue: { path: 'clip.kind', source: '--clip, --clip-norm', message: '--clip none and --clip-norm 1' },
  },
  {
    name: '--clip value with --clip-norm',
    flags: { clip: 'value', clipNorm: '1' },
    code: 'conflicting_flags',
    issue: { path: 'clip.kind', source: '--clip, --clip-norm' },
  },
  {
    name: 'a flag value that is fine, over a file value that is not',
    text: 'train:\n  lr: 0.1\n  steps: -2\n',
    flags: { lr: 'oops' },
    code: 'invalid_config',
    issue: { path: 'train.lr', source: '--lr' },
  },
];

describe('resolveConfig rejects bad input', () => {
  it.each(cases)('$name → $code at $issue.path', async (c) => {
    const error = await failure(c.text, c.flags, c.path);
    expect(error.code).toBe(c.code);
    expect(error.exitCode).toBe(2);
    const issue = error.issues.find((i) => i.path === c.issue.path);
    expect(issue, JSON.stringify(error.issues)).toBeDefined();
    expect(issue?.source).toBe(c.issue.source);
    if (c.issue.message) expect(issue?.message).toContain(c.issue.message);
    if (c.issue.hint) expect(issue?.hint).toContain(c.issue.hint);
    for (const i of error.issues) expect(JSON.stringify(i)).not.toMatch(/undefined|\[object Object\]/);
  });

  it('reports every problem of a file at once, top-down by line', async () => {
    const error = await failure('seed: -1\ntrain:\n  steps: 0\n  lr: 0\nclip:\n  kind: norm\n  maxNorm: 0\n');
    expect(error.issues.map((i) => `${i.path}@${i.source}`)).toEqual([
      `seed@${FILE}:1`,
      `train.steps@${FILE}:3`,
      `train.lr@${FILE}:4`,
      `clip.maxNorm@${FILE}:7`,
    ]);
  });

  it('does not suggest a far-fetched key', async () => {
    const error = await failure('train:\n  banana: 1\n');
    expect(error.issues[0]?.hint).toMatch(/^Remove it\. Allowed keys in train: steps, /);
  });
});
