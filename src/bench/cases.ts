/**
 * The benchmark's models: the shapes of issue #9's table (batch 64, Adam lr 1e-3), each as
 * a full gclip run config. The PyTorch reference (`bench/pytorch_reference.py`) builds the
 * same shapes; keep the two in step.
 */
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../config/schema.js';

/** A model of the benchmark: its id, a one-line description and its run config. */
export interface BenchCase {
  readonly id: BenchModel;
  readonly label: string;
  readonly input: RunConfigInput;
}

export const BENCH_MODELS = ['mlp', 'rnn', 'lstm', 'gru', 'cnn'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

const SEQ = { kind: 'adding', seqLength: 20, samples: 2048 } as const;

const CASES: Record<BenchModel, Omit<BenchCase, 'id'>> = {
  mlp: {
    label: 'MLP 32-64-64-1',
    input: { model: { kind: 'mlp', hidden: [64, 64] }, data: { kind: 'regression', features: 32, samples: 2048 } },
  },
  rnn: { label: 'SimpleRNN 32 units, T=20', input: { model: { kind: 'rnn', units: 32 }, data: SEQ } },
  lstm: { label: 'LSTM 32 units, T=20', input: { model: { kind: 'lstm', units: 32 }, data: SEQ } },
  gru: { label: 'GRU 32 units, T=20', input: { model: { kind: 'gru', units: 32 }, data: SEQ } },
  cnn: {
    label: 'CNN 8×3×3 on 16×16 + dense',
    input: {
      model: { kind: 'cnn', filters: [8], kernelSize: 3, pool: 2, dense: [] },
      data: { kind: 'images', size: 16, classes: 4, samples: 1024 },
    },
  },
};

/** The bench case of `id`. */
export function benchCase(id: BenchModel): BenchCase {
  return { id, ...CASES[id] };
}

/**
 * The resolved config of one timed run: the case's model and data, batch 64 (the size
 * ladder's rungs pass 128), Adam 1e-3, no validation, `steps` steps, global-norm clipping
 * at 1.0 (torch semantics), default detectors, seed fixed so both loops see the same
 * weights and batches.
 */
export function benchConfig(c: { readonly id: string; readonly input: RunConfigInput }, steps: number, backend: 'wasm' | 'cpu' | 'node', batchSize = 64): RunConfig {
  const data = { ...(c.input.data as object), batchSize, valFraction: 0 };
  return runConfigSchema.parse({
    ...c.input,
    name: `bench-${c.id}`,
    seed: 7,
    backend,
    data,
    train: { steps, optimizer: 'adam', lr: 1e-3, evalEvery: 0 },
    clip: { kind: 'norm', maxNorm: 1 },
  });
}
