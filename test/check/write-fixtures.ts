/**
 * Regenerates the synthetic logs in fixtures/logs/ (run: npx vite-node test/check/write-fixtures.ts).
 * The malformed-*.* fixtures are hand-written and not touched here.
 */
import { writeFileSync } from 'node:fs';
import { toJsonl, toLightningCsv, toTrainerState, type Scenario } from './scenario.js';

/** Healthy: loss falls to ≈ 0.2 of its start, norms ≈ 1 ± 0.1, clipped at 1.05 on about a third of steps. */
const healthy: Scenario = { clipNorm: 1.05 };
/** Unstable: 4 spikes from record 40, loss explodes from record 75, NaN and a skipped step at 85. */
const unstable: Scenario = { clipNorm: 1.05, spikeAt: [40, 50, 60, 70], divergeFrom: 75, nanAt: [85], skipAt: [85] };

const dir = new URL('../../fixtures/logs/', import.meta.url);
const out: Record<string, string> = {
  'steps-pass.jsonl': toJsonl(healthy),
  'steps-fail.jsonl': toJsonl(unstable),
  'metrics-pass.csv': toLightningCsv(healthy),
  'metrics-fail.csv': toLightningCsv(unstable),
  'trainer_state-pass.json': toTrainerState(healthy),
  'trainer_state-fail.json': toTrainerState(unstable),
};
for (const [name, text] of Object.entries(out)) writeFileSync(new URL(name, dir), text);
