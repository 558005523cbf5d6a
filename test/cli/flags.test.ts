/**
 * Flags end to end (spawned), a few representative cases: a flag a command does not apply
 * is refused with exit 2, help shows what the schema says, --tensorboard reaches the run
 * through the config. The in-process walk over every flag is src/cli/flags/flags.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gclip, stripAnsi } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'gclip-flags-'));

describe('a flag a command does not apply is refused with exit 2 (spawned)', () => {
  it.each([
    [
      ['check', '--log', 'fixtures/logs/steps-pass.jsonl', '--zclip-alpha', '0.5', '--features', 'a,b'],
      [
        /--zclip-alpha cannot be used with gclip check --log: --zclip-alpha applies only when training one clip strategy \(gclip train, gclip check without --log and gclip config print\)/,
        /--features cannot be used with gclip check --log: --features applies only when training/,
      ],
    ],
    [['report', 'fixtures/runs/exploding-rnn', '--lr', '0.1'], [/--lr cannot be used with gclip report: --lr applies only when training/]],
    [['sweep', 'merge', 'fixtures/runs/sweep', '--seeds', '2'], [/--seeds cannot be used with gclip sweep merge: --seeds applies only to gclip sweep/]],
    [['sweep', '--zclip-alpha', '0.5', '--out', '/nonexistent/sweep'], [/--zclip-alpha cannot be used with gclip sweep/, /The sweep sets the clip block of every point/]],
  ])('gclip %j', (args, messages) => {
    const r = gclip(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = stripAnsi(r.stderr);
    for (const message of messages) expect(err).toMatch(message);
    expect(err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});

describe('flags from the schema (spawned)', () => {
  it('renders an exclusive bound in words: --zclip-alpha 1.5', () => {
    const r = gclip(['train', '--zclip-alpha', '1.5']);
    expect(r.code).toBe(2);
    expect(stripAnsi(r.stderr)).toContain("Invalid value for --zclip-alpha: expected a number greater than 0 and less than 1, received '1.5'");
  });

  it('shows bounds and defaults in help from the schema', () => {
    const help = stripAnsi(gclip(['train', '--help']).stdout).replace(/\s+/g, ' ');
    expect(help).toContain('--zclip-alpha <x> zclip: EMA smoothing of the norm mean and variance (a number greater than 0 and less than 1; default: 0.97)');
    expect(help).toContain('--optimizer <name> optimizer (sgd | momentum | adam | rmsprop; default: adam)');
  });

  it('writes TensorBoard files from --tensorboard, which goes through the config', () => {
    const dir = tmp();
    const r = gclip(['train', '--steps', '3', '--quiet', '--out', join(dir, 'run'), '--tensorboard', join(dir, 'tb')]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'tb')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(existsSync(join(dir, 'run', 'steps.jsonl'))).toBe(true);
  });
});
