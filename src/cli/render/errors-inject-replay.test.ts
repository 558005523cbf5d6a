import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderedError } from '../../../test/helpers/errors.js';
import { loadConfigFile, memoryReader } from '../../config/load.js';
import { resolveConfig } from '../../config/merge.js';
import type { StepRecord } from '../../record.js';
import { planFaults } from '../../train/inject.js';
import { loggedStep, runRecords } from '../../train/replay.js';

describe('renderError: fault injection and replay issue codes', () => {
  it('invalid_config: a bad inject entry, at its own line', async () => {
    const text = 'train: { steps: 10 }\ninject:\n  - nan@3\n  - spike@4\n';
    expect(await renderedError(async () => resolveConfig({ file: await loadConfigFile('run.yaml', memoryReader({ 'run.yaml': text })), flags: {} }))).toMatchInlineSnapshot(`
      "✖ Invalid fault injection: 'spike@4': spike needs a finite factor F (spike@K:F); expected nan@K, inf@K, spike@K:F, spike@K:F:layer or loss-nan@K (K a step number ≥ 0, F a finite factor)
        at inject[1] (run.yaml:4)
        → Write e.g. --inject nan@20 or inject: [nan@20, spike@40:100]; see docs/fault-injection.md."
    `);
  });

  it('invalid_inject', async () => {
    expect(await renderedError(() => planFaults(['nan@3', 'spike@5:10:head'], { totalSteps: 10, layerNames: ['dense_1', 'dense_2'] }))).toMatchInlineSnapshot(`
      "✖ Cannot inject spike@5:10:head (--inject / inject:): the model has no layer 'head'
        at inject
        → Layers: dense_1, dense_2."
    `);
  });

  it('replay_step_missing', async () => {
    const records = [{ step: 0 }, { step: 1 }] as unknown as StepRecord[];
    expect(await renderedError(() => loggedStep(records, 5, 'runs/ci'))).toMatchInlineSnapshot(`
      "✖ runs/ci logs steps 0 to 1; step 5 is not among them
        at --step
        → Pick a step the log holds (gclip report shows the range)."
    `);
  });

  it('not_a_run_dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gclip-notrun-'));
    expect((await renderedError(() => runRecords(dir))).replaceAll(dir, '<dir>')).toMatchInlineSnapshot(`
      "✖ <dir> is not a run directory: it has no steps.jsonl
        at <dir>
        → Pass the directory gclip train wrote (its --out, or runs/<timestamp>-<name>)."
    `);
  });
});
