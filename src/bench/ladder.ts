/**
 * The size ladder of issue #22: the bench's three architectures at growing sizes, batch 128,
 * Adam 1e-3 with global-norm clipping at 1 (the bench's settings, `cases.ts`). Each rung is
 * a gclip run config and a plain spec that the references (`bench/jax_reference.py`,
 * `bench/pytorch_reference.py --rungs`) build the same model from, plus its parameter count
 * and the matmul/conv FLOPs of one training step (the hardware limit's numerator).
 */
import type { RunConfig, RunConfigInput } from '../config/schema.js';
import { benchConfig } from './cases.js';

/** Batch size of every rung. */
export const LADDER_BATCH = 128;

/** Dense layers `features → hidden… → 1` (ReLU), MSE on regression data. */
export interface MlpSpec {
  readonly kind: 'mlp';
  readonly features: number;
  readonly hidden: readonly number[];
}

/** LSTM of `units` over the adding problem (2 inputs, `seqLength` steps), last state → dense 1, MSE. */
export interface LstmSpec {
  readonly kind: 'lstm';
  readonly units: number;
  readonly seqLength: number;
}

/** Conv `filters`×3×3 ('same', ReLU) → 2×2 max pool → dense over 4 classes, on `size`² × 1 images, cross-entropy. */
export interface CnnSpec {
  readonly kind: 'cnn';
  readonly filters: number;
  readonly size: number;
}

export type RungSpec = MlpSpec | LstmSpec | CnnSpec;

/** One rung: a stable id (the JSON's `model`), a label, its batch and its shapes. */
export interface LadderRung {
  readonly id: string;
  readonly label: string;
  readonly batch: number;
  readonly spec: RungSpec;
}

/** Input channels of the LSTM (the adding problem's value and marker), classes and kernel of the CNN. */
const LSTM_INPUTS = 2;
const CNN_CLASSES = 4;
const CNN_KERNEL = 3;
const CNN_POOL = 2;

const rung = (id: string, label: string, spec: RungSpec): LadderRung => ({ id, label, batch: LADDER_BATCH, spec });

/** Every rung, each family from small to large. */
export const LADDER: readonly LadderRung[] = [
  rung('mlp-10k', 'MLP 64-96-48-1', { kind: 'mlp', features: 64, hidden: [96, 48] }),
  rung('mlp-100k', 'MLP 256-256-128-1', { kind: 'mlp', features: 256, hidden: [256, 128] }),
  rung('mlp-1m', 'MLP 512-1024-512-1', { kind: 'mlp', features: 512, hidden: [1024, 512] }),
  ...[20, 50].flatMap((t) => [32, 64, 128].map((u) => rung(`lstm-${u}-t${t}`, `LSTM ${u} units, T=${t}`, { kind: 'lstm', units: u, seqLength: t }))),
  ...[16, 32].flatMap((s) => [8, 32].map((f) => rung(`cnn-${f}f-${s}px`, `CNN ${f}×3×3 on ${s}×${s}`, { kind: 'cnn', filters: f, size: s }))),
];

/** The family of a rung for grouping (LSTMs by sequence length, CNNs by image size). */
export function rungFamily(r: LadderRung): string {
  const s = r.spec;
  if (s.kind === 'mlp') return 'MLP';
  return s.kind === 'lstm' ? `LSTM T=${s.seqLength}` : `CNN ${s.size}×${s.size}`;
}

/** [in, out] of each dense layer of a spec, the head included. */
function denseShapes(s: RungSpec): Array<[number, number]> {
  if (s.kind === 'mlp') {
    const widths = [s.features, ...s.hidden, 1];
    return widths.slice(1).map((w, i) => [widths[i]!, w]);
  }
  if (s.kind === 'lstm') return [[s.units, 1]];
  const side = Math.floor(s.size / CNN_POOL);
  return [[side * side * s.filters, CNN_CLASSES]];
}

/** Trainable parameters (kernels and biases) of the rung's model. */
export function rungParams(r: LadderRung): number {
  const s = r.spec;
  const dense = denseShapes(s).reduce((n, [i, o]) => n + i * o + o, 0);
  if (s.kind === 'lstm') return dense + 4 * s.units * (LSTM_INPUTS + s.units + 1);
  if (s.kind === 'cnn') return dense + s.filters * (CNN_KERNEL * CNN_KERNEL + 1);
  return dense;
}

/**
 * Multiply-add FLOPs (2 per multiply-add) of one training step's matrix products and
 * convolutions: the forward pass, the weight gradients (as many again), and the gradients
 * with respect to each layer's input except the first layer's (the data needs none; the
 * LSTM's recurrent state does, through its recurrent kernel at every time step).
 * Element-wise work (activations, the loss, the clip and Adam: O(params) per step) is left
 * out, so FLOPs / peak rate is a lower bound on the step.
 */
export function rungFlops(r: LadderRung): number {
  const b = r.batch;
  const s = r.spec;
  const dense = denseShapes(s).map(([i, o]) => 2 * b * i * o);
  const denseAll = dense.reduce((a, x) => a + x, 0);
  if (s.kind === 'mlp') return 2 * denseAll + (denseAll - dense[0]!);
  if (s.kind === 'lstm') {
    const gates = 4 * s.units;
    const input = 2 * b * s.seqLength * LSTM_INPUTS * gates;
    const recurrent = 2 * b * s.seqLength * s.units * gates;
    // forward + weight grads of both kernels; the state's gradient through the recurrent kernel; the head as a dense layer.
    return 2 * (input + recurrent) + recurrent + 3 * denseAll;
  }
  const conv = 2 * b * s.size * s.size * CNN_KERNEL * CNN_KERNEL * s.filters;
  return 2 * conv + 3 * denseAll;
}

/** The rung as gclip's run config (`cases.ts`' bench settings at the rung's batch size). */
export function rungConfig(r: LadderRung, steps: number, backend: 'wasm' | 'cpu' | 'node'): RunConfig {
  const s = r.spec;
  const input: RunConfigInput =
    s.kind === 'mlp'
      ? { model: { kind: 'mlp', hidden: [...s.hidden] }, data: { kind: 'regression', features: s.features, samples: 16 * r.batch } }
      : s.kind === 'lstm'
        ? { model: { kind: 'lstm', units: s.units }, data: { kind: 'adding', seqLength: s.seqLength, samples: 16 * r.batch } }
        : {
            model: { kind: 'cnn', filters: [s.filters], kernelSize: CNN_KERNEL, pool: CNN_POOL, dense: [] },
            data: { kind: 'images', size: s.size, classes: CNN_CLASSES, samples: 8 * r.batch },
          };
  return benchConfig({ id: r.id, input }, steps, backend, r.batch);
}

/** The rung of `id`, or undefined. */
export function ladderRung(id: string): LadderRung | undefined {
  return LADDER.find((r) => r.id === id);
}
