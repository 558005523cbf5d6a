/** Fuzzing the config reader (YAML and JSON text → loadConfigFile → resolveConfig). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import { mutatedText, readerInput, RUNS } from './arbitraries.js';
import { fuzzReader } from './property.js';
import { readConfig } from './readers.js';

const shipped = readdirSync(join(ROOT, 'configs')).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(ROOT, 'configs', f), 'utf8')) as unknown);

const yamlText = readerInput(mutatedText(shipped, (d) => stringify(d)));
const jsonText = readerInput(mutatedText(shipped, (d) => JSON.stringify(d, null, 1)));

describe('config reader under fuzzing', () => {
  it('YAML: any text parses to data with field lines, or gives an exit-2 error', async () => {
    await fuzzReader(readConfig('yaml'), yamlText);
  });

  it('JSON: any text parses to data with field lines, or gives an exit-2 error', async () => {
    await fuzzReader(readConfig('json'), jsonText);
  });

  // Schema validation costs ~8 ms a config (the JSON schema is rebuilt per call), so it
  // gets a twentieth of the inputs of each format.
  it('YAML and JSON: any text validates to a run config or an exit-2 error', async () => {
    await fuzzReader(readConfig('yaml', true), yamlText, RUNS / 20);
    await fuzzReader(readConfig('json', true), jsonText, RUNS / 20);
  });
});
