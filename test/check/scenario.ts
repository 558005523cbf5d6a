/**
 * Deterministic synthetic training curves and their text in every log format gclip check
 * reads, so each criterion can be tested with a passing and a failing log per format.
 * Also used by write-fixtures.ts to produce the committed fixtures.
 */
import { encodeRecord } from '../../src/log/codec.js';
import type { RunEvent, StepRecord } from '../../src/record.js';

export interface Scenario {
  readonly steps?: number;
  /** Record indices whose loss and grad norm are NaN. */
  readonly nanAt?: readonly number[];
  /** Record indices whose grad norm is 20× normal. */
  readonly spikeAt?: readonly number[];
  /** From this record index on the loss explodes (×50 of its value there and growing). */
  readonly divergeFrom?: number;
  /** Loss stays at its initial level (no learning). */
  readonly flatLoss?: boolean;
  /** Multiplies every grad norm. */
  readonly normScale?: number;
  /** gclip runs only: steps whose norm exceeds this are clipped. */
  readonly clipNorm?: number;
  /** gclip runs only: record indices whose update was skipped. */
  readonly skipAt?: readonly number[];
}

export interface Point {
  readonly index: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly lr: number;
}

/**
 * loss = 2 · exp(−i/40) + 0.3 + 0.02 · sin(1.3 i) (falls to ≈ 0.33 of its start over 100
 * records); grad norm = scale · (1 + 0.1 · sin(1.7 i)), so the MAD is ≈ 0.07 and a 20×
 * spike has a robust z-score in the hundreds.
 */
export function points(s: Scenario = {}): Point[] {
  const n = s.steps ?? 100;
  return Array.from({ length: n }, (_, i) => {
    let loss = s.flatLoss ? 2.3 + 0.02 * Math.sin(1.3 * i) : 2 * Math.exp(-i / 40) + 0.3 + 0.02 * Math.sin(1.3 * i);
    let gradNorm = (s.normScale ?? 1) * (1 + 0.1 * Math.sin(1.7 * i));
    if (s.divergeFrom !== undefined && i >= s.divergeFrom) loss *= 50 * (1 + (i - s.divergeFrom));
    if (s.spikeAt?.includes(i)) gradNorm *= 20;
    if (s.nanAt?.includes(i)) [loss, gradNorm] = [Number.NaN, Number.NaN];
    return { index: i, loss, gradNorm, lr: 1e-3 * (1 - i / n) };
  });
}

const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

/** gclip `steps.jsonl` text (steps 1..n), with nonfinite events where the values are NaN. */
export function toJsonl(s: Scenario = {}): string {
  const lines = points(s).map((p) => {
    const step = p.index + 1;
    const clipped = s.clipNorm !== undefined && p.gradNorm > s.clipNorm;
    const events: RunEvent[] = Number.isNaN(p.loss) ? [{ kind: 'nonfinite', step, what: ['loss', 'grad_norm'], layer: null }] : [];
    const record: StepRecord = {
      step,
      loss: round(p.loss),
      preClipNorm: round(p.gradNorm),
      postClipNorm: clipped ? (s.clipNorm as number) : round(p.gradNorm),
      clipCoef: clipped ? round((s.clipNorm as number) / p.gradNorm) : 1,
      clipped,
      threshold: s.clipNorm ?? null,
      layerNorms: { 'dense_1/kernel': round(p.gradNorm * 0.8), 'dense_2/kernel': round(p.gradNorm * 0.6) },
      layerNormsPost: {},
      lr: round(p.lr),
      valLoss: null,
      events,
      skipped: s.skipAt?.includes(p.index) ?? false,
      wallMs: 3.2,
    };
    return encodeRecord(record);
  });
  return lines.join('\n') + '\n';
}

const cell = (x: number): string => (Number.isNaN(x) ? 'nan' : String(round(x)));

/**
 * Lightning `CSVLogger` metrics.csv: columns sorted by name as Lightning writes them,
 * a training row per step and, every 25 steps, a sparse validation row at the same step.
 */
export function toLightningCsv(s: Scenario = {}): string {
  const header = 'epoch,grad_2.0_norm/layer1.weight,grad_2.0_norm_total,lr-Adam,step,train_loss,val_loss';
  const rows: string[] = [header];
  for (const p of points(s)) {
    const epoch = Math.floor(p.index / 50);
    rows.push(`${epoch},${cell(p.gradNorm * 0.9)},${cell(p.gradNorm)},${cell(p.lr)},${p.index},${cell(p.loss)},`);
    if ((p.index + 1) % 25 === 0) rows.push(`${epoch},,,,${p.index},,${cell(p.loss * 1.1)}`);
  }
  return rows.join('\n') + '\n';
}

/** Python's json.dumps number: bare NaN/Infinity (allow_nan=True), shortest repr otherwise. */
function py(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const r = round(x);
  if (Number.isInteger(r)) return r.toFixed(1);
  // repr switches to exponent notation below 1e-4, with at least two exponent digits.
  return Math.abs(r) < 1e-4 ? r.toExponential().replace(/e([+-])(\d)$/, 'e$10$2') : String(r);
}

/**
 * Hugging Face trainer_state.json as Trainer writes it (json.dumps, indent=2, sort_keys):
 * logging_steps = 10, an eval entry every 50 steps, a closing train summary entry, and
 * the extra top-level fields of recent transformers versions.
 */
export function toTrainerState(s: Scenario = {}): string {
  const pts = points(s);
  const entries: string[] = [];
  const entry = (fields: Record<string, string>): string =>
    '    {\n' + Object.keys(fields).sort().map((k) => `      "${k}": ${fields[k]}`).join(',\n') + '\n    }';
  for (const p of pts) {
    const step = (p.index + 1) * 10;
    const epoch = py(step / (pts.length * 10));
    entries.push(entry({ epoch, grad_norm: py(p.gradNorm), learning_rate: py(p.lr * 0.05), loss: py(p.loss), num_tokens: String(step * 4096), step: String(step) }));
    if (step % 50 === 0) {
      entries.push(entry({ epoch, eval_loss: py(p.loss * 1.05), eval_runtime: '12.345', eval_samples_per_second: '81.03', eval_steps_per_second: '10.13', step: String(step) }));
    }
  }
  const last = pts.length * 10;
  entries.push(entry({ epoch: '1.0', step: String(last), total_flos: '1.2345678e+16', train_loss: '0.8765', train_runtime: '1234.5', train_samples_per_second: '12.9', train_steps_per_second: '0.81' }));
  return `{
  "best_global_step": null,
  "best_metric": null,
  "best_model_checkpoint": null,
  "epoch": 1.0,
  "eval_steps": 50,
  "global_step": ${last},
  "is_hyper_param_search": false,
  "is_local_process_zero": true,
  "is_world_process_zero": true,
  "log_history": [
${entries.join(',\n')}
  ],
  "logging_steps": 10,
  "max_steps": ${last},
  "num_input_tokens_seen": 0,
  "num_train_epochs": 1,
  "save_steps": 500,
  "stateful_callbacks": {
    "TrainerControl": {
      "args": {
        "should_epoch_stop": false,
        "should_evaluate": false,
        "should_log": false,
        "should_save": true,
        "should_training_stop": true
      },
      "attributes": {}
    }
  },
  "total_flos": 1.2345678e+16,
  "train_batch_size": 8,
  "trial_name": null,
  "trial_params": null
}
`;
}
