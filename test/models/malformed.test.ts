import { beforeAll, describe, expect, it } from 'vitest';
import { isGclipError } from '../../src/errors.js';
import { memoryFiles } from '../../src/models/files.js';
import { tf } from '../../src/runtime/tf.js';
import { loadPlan } from '../../src/train/setup.js';
import { housesCsv, kerasModel } from './fixtures.js';
import { config, rendered } from './helpers.js';

const keras = kerasModel();
const MODEL_JSON = keras['models/keras/model.json'] as string;
const SHARD = keras['models/keras/group1-shard1of1.bin'] as Uint8Array;
const CSV = housesCsv();

type Doc = { modelTopology: { model_config: { config: { layers: { class_name: string }[] } } }; weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[] };
const edit = (f: (d: Doc) => void): string => {
  const d = JSON.parse(MODEL_JSON) as Doc;
  f(d);
  return JSON.stringify(d, null, 1);
};

/** Files under /w, the working directory; m/ holds the model, d/ the data. */
function files(over: Record<string, string | Uint8Array | null>): Record<string, string | Uint8Array> {
  const base: Record<string, string | Uint8Array | null> = { '/w/m/model.json': MODEL_JSON, '/w/m/group1-shard1of1.bin': SHARD, '/w/d/houses.csv': CSV, ...over };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string | Uint8Array] => e[1] !== null));
}

const modelRun = (data: object = {}) =>
  config({ model: { kind: 'file', path: 'm/model.json' }, data: { kind: 'file', path: 'd/houses.csv', features: ['sqft', 'rooms', 'age'], target: 'price', ...data } });
const dataRun = (path: string, data: object = {}) => config({ model: { kind: 'mlp' }, data: { kind: 'file', path, target: 'price', ...data } });

const CASES: { name: string; run: ReturnType<typeof config>; over: Record<string, string | Uint8Array | null>; code: string; source: string | RegExp; path?: string | RegExp }[] = [
  { name: 'missing shard', run: modelRun(), over: { '/w/m/group1-shard1of1.bin': null }, code: 'model_missing_shard', source: 'm/model.json', path: 'weightsManifest[0].paths[0]' },
  { name: 'short shard', run: modelRun(), over: { '/w/m/group1-shard1of1.bin': SHARD.subarray(0, SHARD.length - 4) }, code: 'model_shard_size', source: 'm/model.json', path: 'weightsManifest[0].paths' },
  { name: 'shard path escaping the folder', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.weightsManifest[0]!.paths = ['../../etc/passwd'])) }, code: 'model_shard_outside', source: 'm/model.json', path: 'weightsManifest[0].paths[0]' },
  { name: 'absolute shard path', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.weightsManifest[0]!.paths = ['/etc/passwd'])) }, code: 'model_shard_outside', source: 'm/model.json', path: 'weightsManifest[0].paths[0]' },
  { name: 'unsupported dtype', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.weightsManifest[0]!.weights[2]!.dtype = 'float16')) }, code: 'model_unsupported_dtype', source: 'm/model.json', path: 'weightsManifest[0].weights[2].dtype' },
  { name: 'quantised weight', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'uint8', scale: 1, min: 0 })) }, code: 'model_unsupported_dtype', source: 'm/model.json', path: 'weightsManifest[0].weights[0].quantization' },
  { name: 'topology that is not JSON', run: modelRun(), over: { '/w/m/model.json': '{\n "modelTopology": {\n  "class_name": "Sequential",,\n' }, code: 'model_bad_json', source: 'm/model.json:3' },
  { name: 'model.json without modelTopology', run: modelRun(), over: { '/w/m/model.json': '{"weightsManifest": []}' }, code: 'model_bad_topology', source: 'm/model.json', path: 'modelTopology' },
  { name: 'unknown layer class', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.modelTopology.model_config.config.layers[2]!.class_name = 'MyAttention')) }, code: 'model_unknown_layer', source: 'm/model.json', path: 'modelTopology.model_config.config.layers[2].class_name' },
  { name: 'weights that do not match the layers', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.weightsManifest[0]!.weights[2]!.name = 'other/kernel')) }, code: 'model_weights_mismatch', source: 'm/model.json', path: 'weightsManifest' },
  // Found while building, before the layer allocates the weight: the path is the initializer's.
  { name: 'weight of the wrong shape', run: modelRun(), over: { '/w/m/model.json': edit((d) => (d.weightsManifest[0]!.weights[1]!.shape = [4, 2])) }, code: 'model_weights_mismatch', source: 'm/model.json', path: 'modelTopology.model_config.config.layers[1].config.bias_initializer' },
  { name: 'output naming no layer', run: modelRun(), over: { '/w/m/model.json': edit((d) => ((d.modelTopology.model_config.config as unknown as { output_layers: unknown }).output_layers = [['nowhere', 0, 0]])) }, code: 'model_bad_graph', source: 'm/model.json', path: 'modelTopology.model_config.config.output_layers[0]' },
  { name: 'topology tfjs cannot build', run: modelRun(), over: { '/w/m/model.json': edit((d) => ((d.modelTopology.model_config.config.layers[2] as unknown as { config: { activation: string } }).config.activation = 'nonsense')) }, code: 'model_unsupported', source: 'm/model.json', path: 'modelTopology.model_config' },
  { name: 'model file missing', run: modelRun(), over: { '/w/m/model.json': null }, code: 'model_not_found', source: 'm/model.json', path: 'model.path' },
  { name: 'CSV ragged row', run: dataRun('d/r.csv'), over: { '/w/d/r.csv': 'a,b,price\n1,2,3\n4,5\n' }, code: 'data_bad_csv', source: 'd/r.csv:3' },
  { name: 'non-numeric cell', run: dataRun('d/n.csv'), over: { '/w/d/n.csv': 'a,b,price\n1,2,3\n4,five,6\n' }, code: 'data_non_numeric', source: 'd/n.csv:3', path: 'b' },
  { name: 'missing column', run: dataRun('d/houses.csv', { target: 'value' }), over: {}, code: 'data_missing_column', source: 'd/houses.csv:1', path: 'value' },
  { name: 'empty file', run: dataRun('d/e.csv'), over: { '/w/d/e.csv': '' }, code: 'data_empty', source: 'd/e.csv' },
  { name: 'header only', run: dataRun('d/h.csv'), over: { '/w/d/h.csv': 'a,price\n' }, code: 'data_empty', source: 'd/h.csv' },
  { name: 'JSON of the wrong shape', run: dataRun('d/w.json'), over: { '/w/d/w.json': '{"rows": [1, 2]}' }, code: 'data_bad_shape', source: 'd/w.json' },
  { name: 'JSON x/y of different lengths', run: dataRun('d/xy.json'), over: { '/w/d/xy.json': '{"x": [[1], [2]], "y": [1]}' }, code: 'data_bad_shape', source: 'd/xy.json', path: 'y' },
  { name: 'data file missing', run: dataRun('d/none.csv'), over: {}, code: 'data_not_found', source: 'd/none.csv' },
  { name: 'features that do not fit the model input', run: modelRun({ features: ['sqft', 'rooms'] }), over: {}, code: 'model_data_mismatch', source: 'm/model.json', path: 'data.features' },
  { name: 'target that does not fit the model output', run: modelRun({ target: 'city', task: 'classification' }), over: {}, code: 'model_data_mismatch', source: 'm/model.json', path: 'data.target' },
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('malformed models and data exit 2, naming file and line or field', () => {
  it.each(CASES)('$name → $code', async ({ run, over, code, source, path }) => {
    const before = tf.memory().numTensors;
    const error = await loadPlan(run, { read: memoryFiles(files(over)), cwd: '/w' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isGclipError(error), String(error)).toBe(true);
    if (!isGclipError(error)) return;
    expect([error.code, error.exitCode]).toEqual([code, 2]);
    const issue = error.issues[0]!;
    expect(issue.source).toEqual(source);
    if (path !== undefined) expect(issue.path).toEqual(path);
    expect(issue.hint).toBeTruthy();
    const text = rendered(error);
    expect(text).not.toMatch(/\n\s+at .+:\d+:\d+\)?$|undefined|\[object Object\]/m);
    expect(text).toContain(typeof source === 'string' ? source : '');
    // Nothing allocated, or everything released: the failed load leaves no tensor behind.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('renders the short-shard error as one block with the byte counts', async () => {
    const error = await loadPlan(modelRun(), { read: memoryFiles(files({ '/w/m/group1-shard1of1.bin': SHARD.subarray(0, 100) })), cwd: '/w' }).catch((e: unknown) => e);
    expect(rendered(error)).toMatchInlineSnapshot(`
      "✖ shard m/group1-shard1of1.bin holds 100 bytes, but the 6 weights of this group declare 452 bytes (float32, 4 bytes per value)
        at weightsManifest[0].paths (m/model.json)
        → The shard is truncated or belongs to another model; export the model again."
    `);
  });
});
