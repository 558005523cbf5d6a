/**
 * Starter configs `gclip init` writes. Each template is a shipped YAML file, copied with
 * its comments; only the editor schema line is rewritten to point at the shipped schema
 * from wherever the new file lands.
 */
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Template name → shipped file (relative to the package root) and one line about it. */
export const TEMPLATES = {
  demo: { file: 'configs/demo.yaml', about: 'small MLP regression with global-norm clipping (what `gclip train` runs by default)' },
  rnn: { file: 'configs/templates/rnn.yaml', about: 'tanh RNN on the adding problem, SGD with global-norm clipping' },
  'ci-check': { file: 'configs/ci-check.yaml', about: 'short stable run with check: criteria, for `gclip check` in CI' },
} as const;

export type TemplateName = keyof typeof TEMPLATES;

const ROOT = new URL('../../../', import.meta.url);

/** Absolute path of a template's shipped file. */
export function templatePath(name: TemplateName): string {
  return fileURLToPath(new URL(TEMPLATES[name].file, ROOT));
}

/** Absolute path of the shipped JSON Schema. */
export const SCHEMA_PATH = fileURLToPath(new URL('schema/gclip.schema.json', ROOT));

const MODELINE = /^# yaml-language-server: \$schema=.*$/m;

/**
 * The text to write at `target`: YAML keeps its comments and gets a schema line relative
 * to `target`; a `.json` target gets the same data as JSON (JSON has no comments, and the
 * strict config schema rejects a `$schema` key).
 */
export function renderTemplate(yamlText: string, target: string): string {
  if (target.toLowerCase().endsWith('.json')) return JSON.stringify(parse(yamlText), null, 2) + '\n';
  const schema = relative(dirname(target), SCHEMA_PATH).split(sep).join('/');
  const line = `# yaml-language-server: $schema=${schema}`;
  return MODELINE.test(yamlText) ? yamlText.replace(MODELINE, () => line) : `${line}\n${yamlText}`;
}
