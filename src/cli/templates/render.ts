/**
 * The text `gclip init` writes from a template. Each template is a shipped YAML file,
 * copied with its comments; only the editor schema line is rewritten to point at the
 * shipped schema from wherever the new file lands.
 */
import { dirname, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { SCHEMA_PATH } from './registry.js';

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
