/**
 * Starter configs `gclip init` writes, and where the package's shipped files are. Light
 * (no yaml), so `--help` can list the templates; writing one is `render.ts`.
 */
import { fileURLToPath } from 'node:url';

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
