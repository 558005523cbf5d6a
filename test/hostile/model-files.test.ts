/**
 * Hostile model folders: shards that are links out of the folder, devices or FIFOs, sizes
 * that disagree before anything is read, topologies whose shapes would allocate gigabytes,
 * and damaged layer graphs that made tfjs loop forever. Each is an exit-2 error naming
 * model.json and the field, found before the expensive or endless step.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isGclipError, type GclipError } from '../../src/errors.js';
import { memoryFiles, nodeFileReader, type FileReader } from '../../src/models/files.js';
import { loadModelJson } from '../../src/models/model-json.js';
import { tf } from '../../src/runtime/tf.js';
import { ROOT } from '../helpers/cli.js';
import { kerasModel } from '../models/fixtures.js';

const keras = kerasModel();
const MODEL_JSON = keras['models/keras/model.json'] as string;
const SHARD = keras['models/keras/group1-shard1of1.bin'] as Uint8Array;

interface Layer { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }
interface Doc { modelTopology: { model_config: { config: { layers: Layer[]; output_layers: unknown } } }; weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[] }
const edit = (f: (d: Doc) => void): string => {
  const d = JSON.parse(MODEL_JSON) as Doc;
  f(d);
  return JSON.stringify(d);
};

async function failure(p: Promise<unknown>): Promise<GclipError> {
  const e = await p.then(() => null, (x: unknown) => x);
  if (!isGclipError(e)) throw new Error(`expected a GclipError, got ${String(e)}`);
  return e;
}

/** A reader over memory that counts shard reads. */
function counting(files: Record<string, string | Uint8Array>): { read: FileReader; shardReads: () => number } {
  const inner = memoryFiles(files);
  let n = 0;
  return { read: { ...inner, bytes: (p, l) => (n++, inner.bytes(p, l)) }, shardReads: () => n };
}

const inMemory = (json: string, shard: Uint8Array = SHARD) => memoryFiles({ 'm/model.json': json, 'm/group1-shard1of1.bin': shard });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('weight shards on disk', () => {
  async function folder(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'gclip-shards-'));
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'model.json'), MODEL_JSON);
    return join(dir, 'm');
  }

  it('refuses a shard linked to /dev/zero (outside the folder) without reading it', async () => {
    const dir = await folder();
    await symlink('/dev/zero', join(dir, 'group1-shard1of1.bin'));
    const e = await failure(loadModelJson(join(dir, 'model.json'), nodeFileReader));
    expect([e.code, e.exitCode, e.issues[0]!.path]).toEqual(['model_shard_outside', 2, 'weightsManifest[0].paths[0]']);
    expect(e.issues[0]!.message).toContain('/dev/zero');
  });

  it('refuses a FIFO inside the folder without opening it', async () => {
    const dir = await folder();
    execFileSync('mkfifo', [join(dir, 'group1-shard1of1.bin')]);
    const e = await failure(loadModelJson(join(dir, 'model.json'), nodeFileReader));
    expect([e.code, e.exitCode]).toEqual(['model_shard_not_file', 2]);
  });

  it('refuses a 1 GiB (sparse) shard by its size, before reading it', async () => {
    const dir = await folder();
    await writeFile(join(dir, 'group1-shard1of1.bin'), '');
    await truncate(join(dir, 'group1-shard1of1.bin'), 2 ** 30);
    const e = await failure(loadModelJson(join(dir, 'model.json'), nodeFileReader));
    expect([e.code, e.exitCode, e.issues[0]!.path]).toEqual(['model_shard_size', 2, 'weightsManifest[0].paths']);
    const { read, shardReads } = counting({ 'm/model.json': MODEL_JSON, 'm/group1-shard1of1.bin': new Uint8Array(SHARD.length + 4) });
    expect((await failure(loadModelJson('m/model.json', read))).code).toBe('model_shard_size');
    expect(shardReads()).toBe(0);
  });

  it('still loads a shard linked to a file inside the folder', async () => {
    const dir = await folder();
    await copyFile(join(ROOT, 'fixtures/models/keras/group1-shard1of1.bin'), join(dir, 'real.bin'));
    await symlink('real.bin', join(dir, 'group1-shard1of1.bin'));
    const loaded = await loadModelJson(join(dir, 'model.json'), nodeFileReader);
    expect(loaded.outputDim).toBe(1);
    loaded.model.dispose();
  });
});

describe('sizes refused before allocating', () => {
  it('refuses units: 25000000 at the layer initializer, before the kernel exists', async () => {
    const before = tf.memory().numBytes;
    const json = edit((d) => (d.modelTopology.model_config.config.layers[2]!.config.units = 25_000_000));
    const e = await failure(loadModelJson('m/model.json', inMemory(json)));
    expect([e.code, e.exitCode, e.issues[0]!.source]).toEqual(['model_weights_mismatch', 2, 'm/model.json']);
    expect(e.issues[0]!.path).toBe('modelTopology.model_config.config.layers[2].config.kernel_initializer');
    expect(e.issues[0]!.message).toBe("layer 'hidden' makes its kernel of shape [8, 25000000], but the manifest's 'hidden/kernel' has shape [8, 8]");
    expect(tf.memory().numBytes).toBe(before);
  });

  it('refuses a weight larger than what the manifest holds even when no manifest name matches', async () => {
    const json = edit((d) => {
      d.modelTopology.model_config.config.layers[2]!.config.units = 2_500_000;
      for (const w of d.weightsManifest[0]!.weights) w.name = `renamed_${w.name}`;
    });
    const e = await failure(loadModelJson('m/model.json', inMemory(json)));
    expect([e.code, e.issues[0]!.path]).toEqual(['model_weights_mismatch', 'modelTopology.model_config.config.layers[2].config.kernel_initializer']);
    expect(e.issues[0]!.message).toMatch(/more than the \d+ values the weights manifest has left/);
  });

  it('refuses a manifest over 2^27 values before looking at any shard', async () => {
    const json = edit((d) => (d.weightsManifest[0]!.weights[0]!.shape = [3, 2 ** 27]));
    const { read, shardReads } = counting({ 'm/model.json': json });
    const e = await failure(loadModelJson('m/model.json', read));
    expect([e.code, e.issues[0]!.path]).toEqual(['model_too_large', 'weightsManifest[0].weights[0].shape']);
    expect(shardReads()).toBe(0);
  });

  it('frees the weights of layers no output depends on (model.dispose() never sees them)', async () => {
    const before = tf.memory().numTensors;
    const json = edit((d) => (d.modelTopology.model_config.config.output_layers = [['hidden', 0, 0]]));
    expect((await failure(loadModelJson('m/model.json', inMemory(json)))).code).toBe('model_weights_mismatch');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model.json over 16 MiB and one nested past 100 levels', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(17 * 2 ** 20) });
    expect((await failure(loadModelJson('m/model.json', inMemory(big)))).code).toBe('file_too_large');
    const deep = `{"modelTopology": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect((await failure(loadModelJson('m/model.json', inMemory(deep)))).code).toBe('too_deeply_nested');
  });
});

describe('damaged layer graphs (these made tfjs loop forever, deaf to Ctrl-C)', () => {
  const layers = (d: Doc) => d.modelTopology.model_config.config.layers;
  it.each([
    ['a dangling inbound node', (d: Doc) => (layers(d)[2]!.inbound_nodes = [[['nowhere', 0, 0, {}]]]), 'layers[2].inbound_nodes[0][0]', "layer 'hidden' is called on layer 'nowhere', which the model does not have"],
    ['an empty inbound node', (d: Doc) => (layers(d)[2]!.inbound_nodes = [[]]), 'layers[2].inbound_nodes[0]', "layer 'hidden' has an empty inbound node ([])"],
    ['a layer never called', (d: Doc) => (layers(d)[2]!.inbound_nodes = []), 'layers[3].inbound_nodes[0]', "layer 'price' needs node 0 of layer 'hidden', which is never made"],
    ['a cycle', (d: Doc) => (layers(d)[1]!.inbound_nodes = [[['hidden', 0, 0, {}]]]), 'layers[1].inbound_nodes[0]', "layer 'embed' needs node 0 of layer 'hidden'"],
    ['a node index past the calls', (d: Doc) => (layers(d)[2]!.inbound_nodes = [[['embed', 5, 0, {}]]]), 'layers[2].inbound_nodes[0]', "needs node 5 of layer 'embed'"],
    ['a flattened input entry', (d: Doc) => (layers(d)[2]!.inbound_nodes = [['embed', 0, 0, {}]]), 'layers[2].inbound_nodes[0][0]', 'expected [layer name, node index, tensor index, kwargs], received "embed"'],
    ['a class name that is a list (tfjs looks it up as "Functional")', (d: Doc) => {
      (d.modelTopology.model_config as unknown as { class_name: unknown }).class_name = ['Functional'];
      delete (layers(d)[0] as Partial<Layer>).name;
    }, 'class_name', 'expected a class name, received a list of 1 item'],
    ['two layers of one name', (d: Doc) => { layers(d)[2]!.name = 'embed'; layers(d)[2]!.config.name = 'embed'; }, 'layers[2].name', "two layers are named 'embed'"],
  ])('%s → model_bad_graph at the node', async (_name, change, at, message) => {
    const e = await failure(loadModelJson('m/model.json', inMemory(edit(change))));
    const path = at === 'class_name' ? 'modelTopology.model_config.class_name' : `modelTopology.model_config.config.${at}`;
    expect([e.code, e.exitCode, e.issues[0]!.path, e.issues[0]!.source]).toEqual(['model_bad_graph', 2, path, 'm/model.json']);
    expect(e.issues[0]!.message).toContain(message);
  });
});
