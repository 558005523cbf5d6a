import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/tf.js';
import { allFixtures } from './fixtures.js';

const ROOT = new URL('../../fixtures/', import.meta.url).pathname;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('shipped fixtures', () => {
  it('equal the bytes their generators produce (UPDATE_FIXTURES=1 rewrites them)', async () => {
    const files = await allFixtures();
    for (const [rel, content] of Object.entries(files)) {
      const path = join(ROOT, rel);
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
      if (process.env.UPDATE_FIXTURES) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, bytes);
      }
      expect(Buffer.compare(await readFile(path), bytes), `${rel} is stale`).toBe(0);
    }
  });
});
