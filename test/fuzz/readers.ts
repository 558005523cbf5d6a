/**
 * Every reader the fuzz tests call, imported in this one place (the run-log readers live in
 * src/log/). Each takes one file's text and returns what the reader makes of it, or throws.
 */
import { parseBaseline } from '../../src/check/baseline.js';
import { loadConfigFile, memoryReader } from '../../src/config/load.js';
import { resolveConfig } from '../../src/config/merge.js';
import { parseCsvData } from '../../src/data/csv.js';
import { parseJsonData } from '../../src/data/json.js';
import { memoryFiles } from '../../src/models/files.js';
import { parseCsvLog } from '../../src/log/csv.js';
import { parseTrainerState } from '../../src/log/hf.js';
import { parseGclipJsonl } from '../../src/log/jsonl.js';
import { loadModelJson } from '../../src/models/model-json.js';
import { tf } from '../../src/runtime/tf.js';
import { buildReport } from '../../src/report/view/report.js';
import { loadReportInput } from '../../src/report/view/load.js';
import { parseSweep } from '../../src/report/view/sweep.js';
import { buildTerminalSweep } from '../../src/report/view/terminal-chart.js';

export type Reader = (text: string) => unknown;

/** A config file (`.yaml` or `.json`) read as `gclip train --config` does; with `validate`, also resolved against the schema. */
export const readConfig = (ext: 'yaml' | 'json', validate = false): Reader => async (text) => {
  const loaded = await loadConfigFile(`c.${ext}`, memoryReader({ [`c.${ext}`]: text }));
  return validate ? resolveConfig({ file: loaded, flags: {} }) : loaded.locate(['train', 'lr']);
};

export const readCsvData: Reader = (text) => parseCsvData(text, 'd.csv', { task: 'regression', target: 'price' });
export const readCsvDataClasses: Reader = (text) => parseCsvData(text, 'd.csv', { task: 'classification', target: 'price', features: ['sqft', 'rooms'] });
export const readJsonData: Reader = (text) => parseJsonData(text, 'd.json', { task: 'regression', target: 'price' });

export const readGclipLog: Reader = (text) => parseGclipJsonl(text, 'steps.jsonl');
export const readHfLog: Reader = (text) => parseTrainerState(text, 'trainer_state.json');
export const readLightningLog: Reader = (text) => parseCsvLog(text, 'metrics.csv');

/** A sweep.json as `gclip report` reads it, shaped for the terminal chart too. */
export const readSweep: Reader = (text) => {
  const sweep = parseSweep(text, 'sweep.json');
  const report = buildReport({ kind: 'sweep', source: 'sweep.json', sweep });
  return report.kind === 'sweep' ? buildTerminalSweep(report.chart, 72) : report;
};

/** A run directory whose summary.json is `text` (steps fixed), as `gclip report` reads it; and the same text as a --baseline. */
export const readSummary = (steps: string): Reader => {
  return async (text) => {
    const files: Record<string, string> = { 'run/steps.jsonl': steps, 'run/summary.json': text };
    const reader = { readText: async (p: string) => files[p]!, kind: async (p: string) => (p === 'run' ? ('dir' as const) : p in files ? ('file' as const) : null) };
    const input = await loadReportInput('run', reader);
    const report = buildReport(input);
    try {
      parseBaseline(text, 'summary.json');
    } catch (e) {
      return e;
    }
    return report;
  };
};

/** model.json `text` with `shards` (file name → bytes) beside it in m/, loaded as `gclip train --model` does; the model is disposed. */
export const readModel = (shards: Readonly<Record<string, Uint8Array>>): Reader => async (text) => {
  const files = Object.fromEntries([['m/model.json', text], ...Object.entries(shards).map(([name, bytes]) => [`m/${name}`, bytes])]) as Record<string, string | Uint8Array>;
  const before = tf.memory().numTensors;
  const outcome = await loadModelJson('m/model.json', memoryFiles(files)).then(
    (loaded) => {
      loaded.model.dispose();
      return { ok: true as const, value: loaded.layout };
    },
    (error: unknown) => ({ ok: false as const, error }),
  );
  // A load that fails must release what it allocated, as one that succeeds does once disposed.
  if (tf.memory().numTensors !== before) throw new Error(`the load left ${tf.memory().numTensors - before} tensors behind`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
};
