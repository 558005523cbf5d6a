/**
 * Fuzzing the model reader (model.json + shards → LayersModel), the one that used to hang:
 * a watchdog process turns a hang into a failed run with the seed and the input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/tf.js';
import { ROOT } from '../helpers/cli.js';
import { mutatedText, readerInput } from './arbitraries.js';
import { fuzzReader } from './property.js';
import { readModel } from './readers.js';

const read = (path: string) => readFileSync(join(ROOT, 'fixtures/models', path));
const shards = { 'group1-shard1of1.bin': new Uint8Array(read('keras/group1-shard1of1.bin')), 'weights.bin': new Uint8Array(read('tfjs/weights.bin')) };
const bases = ['keras/model.json', 'tfjs/model.json'].map((p) => JSON.parse(read(p).toString('utf8')) as unknown);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model reader under fuzzing', () => {
  it('model.json: any text gives a model or an exit-2 error, never a hang or a leaked tensor', async () => {
    const before = tf.memory().numTensors;
    await fuzzReader(readModel(shards), readerInput(mutatedText(bases, (d) => JSON.stringify(d))), undefined, { watchdogMs: 300_000 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
