import { describe, expect, it } from 'vitest';
import { GclipError } from '../errors.js';
import { loadConfigFile, memoryReader, type Reader } from './load.js';

async function loadError(path: string, text?: string): Promise<GclipError> {
  const read = memoryReader(text === undefined ? {} : { [path]: text });
  const error = await loadConfigFile(path, read).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GclipError)) throw new Error(`expected a GclipError, got ${String(error)}`);
  return error;
}

const RUN_YAML = `# a run
name: demo
model:
  kind: mlp
  hidden: [8, 4]
clip:
  kind: norm
  maxNorm: 1.0
`;

describe('loadConfigFile', () => {
  it('parses YAML and maps field paths to the line of their key', async () => {
    const loaded = await loadConfigFile('configs/run.yaml', memoryReader({ 'configs/run.yaml': RUN_YAML }));
    expect(loaded.data).toEqual({ name: 'demo', model: { kind: 'mlp', hidden: [8, 4] }, clip: { kind: 'norm', maxNorm: 1 } });
    expect(loaded.locate(['clip', 'maxNorm'])).toBe('configs/run.yaml:8');
    expect(loaded.locate(['model', 'hidden', 1])).toBe('configs/run.yaml:5');
    expect(loaded.locate(['name'])).toBe('configs/run.yaml:2');
  });

  it('falls back to the nearest ancestor for a field missing from the file', async () => {
    const loaded = await loadConfigFile('run.yml', memoryReader({ 'run.yml': RUN_YAML }));
    expect(loaded.locate(['clip', 'normType'])).toBe('run.yml:6');
    expect(loaded.locate(['train', 'lr'])).toBeUndefined();
  });

  it('parses JSON and locates its fields by line', async () => {
    const json = '{\n  "train": {\n    "lr": 0.01,\n    "steps": 10\n  }\n}\n';
    const loaded = await loadConfigFile('run.json', memoryReader({ 'run.json': json }));
    expect(loaded.data).toEqual({ train: { lr: 0.01, steps: 10 } });
    expect(loaded.locate(['train', 'steps'])).toBe('run.json:4');
  });

  it('reports a missing file as config_not_found naming the path', async () => {
    const error = await loadError('configs/nope.yaml');
    expect(error.code).toBe('config_not_found');
    expect(error.exitCode).toBe(2);
    expect(error.issues[0]?.source).toBe('configs/nope.yaml');
    expect(error.issues[0]?.hint).toContain('gclip init');
  });

  it('reports malformed YAML with file:line:col', async () => {
    const error = await loadError('bad.yaml', 'train:\n  lr: 0.1\n steps: 3\n');
    expect(error.code).toBe('invalid_config_syntax');
    expect(error.exitCode).toBe(2);
    expect(error.issues[0]?.source).toBe('bad.yaml:3:1');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.message).toBe('Malformed YAML: All mapping items must start at the same column');
  });

  it('reports duplicate YAML keys as a syntax error', async () => {
    const error = await loadError('dup.yaml', 'seed: 1\nseed: 2\n');
    expect(error.code).toBe('invalid_config_syntax');
    expect(error.issues[0]?.source).toBe('dup.yaml:2:1');
  });

  it('reports malformed JSON with file:line:col', async () => {
    const error = await loadError('bad.json', '{\n  "train": { "lr": 0.1, }\n}\n');
    expect(error.code).toBe('invalid_config_syntax');
    expect(error.issues[0]?.source).toBe('bad.json:2:25');
    expect(error.issues[0]?.message).toMatch(/^Malformed JSON: /);
  });

  it('reports truncated JSON at its end', async () => {
    const error = await loadError('cut.json', '{\n  "seed": 1,\n');
    expect(error.code).toBe('invalid_config_syntax');
    expect(error.issues[0]?.source).toBe('cut.json:3:1');
  });

  it.each([
    ['a list', 'list.yaml', '- 1\n- 2\n', 'a list'],
    ['a scalar', 'scalar.yaml', 'hello\n', "'hello'"],
    ['an empty file', 'empty.yaml', '', 'an empty document'],
    ['a JSON array', 'arr.json', '[1, 2]', 'a list'],
  ])('rejects %s at the top level as invalid_config', async (_label, path, text, received) => {
    const error = await loadError(path, text);
    expect(error.code).toBe('invalid_config');
    expect(error.exitCode).toBe(2);
    expect(error.issues[0]?.message).toContain(`received ${received}`);
    expect(error.issues[0]?.source).toBe(`${path}:1`);
  });

  it('rejects an unknown extension before reading', async () => {
    const error = await loadError('run.toml', 'seed = 1');
    expect(error.code).toBe('unsupported_config_format');
  });

  it('reports other read failures as config_unreadable', async () => {
    const read: Reader = async () => {
      throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
    };
    const error = await loadConfigFile('configs.yaml', read).catch((e: unknown) => e as GclipError);
    expect(error).toBeInstanceOf(GclipError);
    expect((error as GclipError).code).toBe('config_unreadable');
  });
});
