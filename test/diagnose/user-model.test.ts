/** Issue #16 item 4: a user's model without a config starts from neutral defaults, not the demo's. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclipAsync } from '../helpers/cli.js';

describe('gclip train --model model.json without --config', () => {
  it('uses neutral defaults (no clipping), is named after the model and is not the demo', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gclip-user-model-')), 'run');
    const r = await gclipAsync(['train', '--model', 'fixtures/models/keras/model.json', '--data', 'fixtures/data/houses.csv', '--target', 'price', '--steps', '3', '--out', out, '--quiet']);
    expect(r.stderr).not.toMatch(/demo/);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { name: string; clip: { kind: string }; train: { lr: number; optimizer: string } };
    expect(config.name).toBe('keras');
    expect(config.clip.kind).toBe('none');
    expect(config.train).toMatchObject({ optimizer: 'adam', lr: 0.001 });
    // The huge-gradient hint may suggest clipping here: this run did not clip.
    expect(r.stdout + r.stderr).not.toMatch(/already clips/);
  }, 120_000);
});
