/**
 * `gclip init`, `gclip config validate` and `gclip config print`, spawned: files written are
 * read back, parsed and validated by the same CLI. Needs `npm run build` first.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gclip, ROOT, stripAnsi } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-init-'));

describe('gclip init', () => {
  it('writes gclip.yaml from the demo template by default, with a schema line that resolves', () => {
    const cwd = tmp();
    const r = gclip(['init'], { cwd });
    expect(r.code).toBe(0);
    expect(stripAnsi(r.stdout)).toBe('✔ wrote gclip.yaml (template demo)\n  next: gclip train --config gclip.yaml\n');
    const text = readFileSync(join(cwd, 'gclip.yaml'), 'utf8');
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)?.[1];
    expect(schema).toBeDefined();
    expect(resolve(cwd, schema!)).toBe(join(ROOT, 'schema', 'gclip.schema.json'));
    // Comments survive: the template is copied, not re-serialised.
    expect(text).toContain('# Global-norm clipping at 1.0');
    expect(parse(text)).toMatchObject({ name: 'demo', clip: { kind: 'norm', maxNorm: 1 } });
    expect(readdirSync(cwd)).toEqual(['gclip.yaml']);
  });

  it.each([
    ['demo', 'a.yaml', 'gclip train'],
    ['rnn', 'nested/dir/rnn.yml', 'gclip train'],
    ['ci-check', 'ci.yaml', 'gclip check'],
    ['ci-check', 'ci.json', 'gclip check'],
  ])('--template %s --out %s writes a config that validates', (template, out, next) => {
    const cwd = tmp();
    const r = gclip(['init', '--template', template, '--out', out], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`next: ${next} --config ${out}`);
    const v = gclip(['config', 'validate', out], { cwd });
    expect(v.code).toBe(0);
    expect(stripAnsi(v.stdout)).toMatch(new RegExp(`^✔ ${out} is valid \\(model \\w+, data \\w+, clip norm\\)\\n$`));
  });

  it('the JSON variant carries the same data as the YAML template', () => {
    const cwd = tmp();
    gclip(['init', '--template', 'ci-check', '--out', 'ci.json'], { cwd });
    const json = JSON.parse(readFileSync(join(cwd, 'ci.json'), 'utf8'));
    expect(json).toEqual(parse(readFileSync(join(ROOT, 'configs', 'ci-check.yaml'), 'utf8')));
    expect(json.check).toMatchObject({ maxNonfinite: 0, gradNorm: [{ p: 99, max: 10 }] });
  });

  it('refuses to overwrite an existing file (exit 2, file untouched) unless --force', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'gclip.yaml'), 'mine: true\n');
    const r = gclip(['init'], { cwd });
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toBe('✖ gclip.yaml already exists; gclip init does not overwrite it\n  at --out\n  → Pass --force to replace it, or choose another file with --out.\n');
    expect(readFileSync(join(cwd, 'gclip.yaml'), 'utf8')).toBe('mine: true\n');
    const forced = gclip(['init', '--force', '--template', 'rnn'], { cwd });
    expect(forced.code).toBe(0);
    expect(parse(readFileSync(join(cwd, 'gclip.yaml'), 'utf8'))).toMatchObject({ model: { kind: 'rnn' } });
  });

  it.each([
    [['--template', 'transformer'], /Allowed choices are demo, rnn, ci-check/],
    [['--out', 'config.toml'], /expected a \.yaml, \.yml or \.json file name/],
  ])('rejects %j with exit 2 and writes nothing', (args, message) => {
    const cwd = tmp();
    const r = gclip(['init', ...args], { cwd });
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toMatch(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('lists the templates in --help', () => {
    const r = gclip(['init', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Templates:\n\s+demo .*\n\s+rnn .*\n\s+ci-check /);
  });
});

describe('gclip config validate', () => {
  it.each(['configs/demo.yaml', 'configs/ci-check.yaml', 'configs/exploding-rnn.yaml', 'configs/templates/rnn.yaml'])('%s is valid', (file) => {
    const r = gclip(['config', 'validate', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ .* is valid/);
  });

  it('reports each problem with file:line and a hint: exit 2', () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\nclip:\n  kind: norm\n  maxNorm: -1\ncheck:\n  maxSpikez: 2\n');
    const r = gclip(['config', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = stripAnsi(r.stderr);
    expect(err).toContain(`at clip.maxNorm (${file}:4)`);
    expect(err).toContain(`at check.maxSpikez (${file}:6)`);
    expect(err).toMatch(/Did you mean maxSpikes\?/);
  });

  it('a missing file is exit 2 naming it', () => {
    const r = gclip(['config', 'validate', 'nope.yaml']);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toMatch(/Config file not found: nope\.yaml/);
  });
});

describe('gclip config print', () => {
  it('prints the resolved built-in demo as YAML with every default, check: included', () => {
    const r = gclip(['config', 'print']);
    expect(r.code).toBe(0);
    const config = parse(r.stdout);
    expect(config).toMatchObject({ name: 'demo', train: { steps: 200, momentum: 0.9 }, clip: { kind: 'norm', maxNorm: 1, normType: 2 } });
    expect(config.check).toMatchObject({ maxNonfinite: 0, maxSpikes: 3, lossRatio: 0.9, clipRate: { min: 0, max: 0.5 } });
  });

  it('applies flags on top of the file, and --json prints the same config', () => {
    const args = ['config', 'print', '--config', 'configs/ci-check.yaml', '--clip-norm', '0.5', '--steps', '10'];
    const yaml = parse(gclip(args).stdout);
    const r = gclip([...args, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toEqual(yaml);
    expect(json).toMatchObject({ name: 'ci-check', clip: { kind: 'norm', maxNorm: 0.5 }, train: { steps: 10 }, check: { lossRatio: 0.25 } });
  });

  it('prints a config that validates and prints back identically', () => {
    const dir = tmp();
    const first = gclip(['config', 'print', '--config', 'configs/templates/rnn.yaml', '--lr', '0.01']);
    const file = join(dir, 'resolved.yaml');
    writeFileSync(file, first.stdout);
    expect(gclip(['config', 'validate', file]).code).toBe(0);
    const second = gclip(['config', 'print', '--config', file, '--json']);
    expect(JSON.parse(second.stdout)).toEqual(parse(first.stdout));
  });

  it('bad flags are exit 2 naming the flag', () => {
    const r = gclip(['config', 'print', '--clip-norm', '-3']);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toMatch(/--clip-norm/);
  });
});

describe('startup stays light', () => {
  /** NODE_OPTIONS that report every @tensorflow import on stderr (a module resolve hook). */
  function tfjsSpy(): Record<string, string> {
    const dir = tmp();
    const hook = join(dir, 'hook.mjs');
    writeFileSync(hook, "export async function resolve(s, c, next) { if (s.includes('@tensorflow')) process.stderr.write(`TFJS ${s}\\n`); return next(s, c); }\n");
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    return { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` };
  }

  it.each([
    [['check', '--help']],
    [['init', '--out', join(tmpdir(), `gclip-spy-${process.pid}.yaml`), '--force']],
    [['config', 'print']],
    [['config', 'validate', 'configs/ci-check.yaml']],
    [['check', '--log', 'fixtures/logs/metrics-pass.csv']],
  ])('gclip %j never imports tfjs', (args) => {
    const r = gclip(args, { env: tfjsSpy() });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('TFJS');
  });

  it('the spy sees tfjs when a config is trained (so the test above can fail)', () => {
    const r = gclip(['check', '--config', 'configs/ci-check.yaml', '--steps', '5', '--quiet'], { env: tfjsSpy() });
    expect(r.stderr).toMatch(/^TFJS @tensorflow\/tfjs/m);
  });
});
