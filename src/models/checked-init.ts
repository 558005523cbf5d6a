/**
 * Weight shapes of a topology checked before tfjs allocates them. Every initializer in
 * the config is replaced by a registered `GclipCheckedInit` that, when tfjs asks it for a
 * weight of some shape, first compares the shape with the manifest's weight of that layer
 * and with what the manifest still has room for, and throws instead of allocating when
 * they disagree (`units: 25000000` is refused before 1.7 GB are allocated). The values it
 * returns are zeros: the manifest's weights replace them right after the build.
 */
import { inputError, type GclipError } from '../errors.js';
import { tf } from '../runtime/tf.js';
import type { WeightSpec } from './manifest.js';
import { isRecord } from '../config/field-path.js';

/** The weight each initializer key makes, as named in a manifest (`dense/kernel`). */
const WEIGHT_OF_KEY: Readonly<Record<string, string>> = {
  kernel_initializer: 'kernel',
  bias_initializer: 'bias',
  recurrent_initializer: 'recurrent_kernel',
  embeddings_initializer: 'embeddings',
  gamma_initializer: 'gamma',
  beta_initializer: 'beta',
  moving_mean_initializer: 'moving_mean',
  moving_variance_initializer: 'moving_variance',
  depthwise_initializer: 'depthwise_kernel',
  pointwise_initializer: 'pointwise_kernel',
  alpha_initializer: 'alpha',
};

/** Initializer keys of the common weighted layers, added when a config leaves them out (tfjs would use its default, unchecked). */
const KEYS_OF_CLASS: Readonly<Record<string, readonly string[]>> = {
  Dense: ['kernel_initializer', 'bias_initializer'],
  Conv1D: ['kernel_initializer', 'bias_initializer'],
  Conv2D: ['kernel_initializer', 'bias_initializer'],
  Conv3D: ['kernel_initializer', 'bias_initializer'],
  Conv2DTranspose: ['kernel_initializer', 'bias_initializer'],
  Embedding: ['embeddings_initializer'],
  SimpleRNN: ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
  GRU: ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
  LSTM: ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'],
};

/** Where a checked initializer sits: its layer, the weight it makes and its JSON path. */
interface Spec {
  readonly layer: string;
  readonly weight: string;
  readonly at: string;
}

/**
 * The config a checked initializer carries: its build and the index of its Spec there.
 * Only an id and a number, because tfjs camel-cases strings in layer configs.
 */
interface Slot {
  readonly budget: string;
  readonly slot: number;
}

/** What one build may allocate: the manifest's weights and the values they hold. */
interface Budget {
  readonly file: string;
  /** The manifest's weights by every name a `<layer>/<weight>` may match (see `indexWeights`). */
  readonly weights: ReadonlyMap<string, WeightSpec | null>;
  readonly slots: Spec[];
  /** The tensors handed to tfjs, released if the build fails before a variable owns them. */
  readonly made: tf.Tensor[];
  remaining: number;
}

// Initializers are created by tfjs's deserializer from plain config, so the budget of the
// build in progress is found by id; each build adds its entry and removes it when done.
const budgets = new Map<string, Budget>();
let nextId = 0;

const Zeros = tf.initializers.zeros().constructor as unknown as new () => { apply(shape: number[], dtype?: tf.DataType): tf.Tensor };

function mismatch(budget: Budget, spec: Spec, message: string): GclipError {
  return inputError('model_weights_mismatch', { path: spec.at, message, hint: 'The topology and the weights manifest disagree; export model.json and its shards together.', source: budget.file });
}

/**
 * The manifest's weights by each name and each of its tails after a `/` (`m/dense/kernel`
 * under `m/dense/kernel`, `dense/kernel` and `kernel`); null where two weights share one.
 * One pass, so a 10,000-layer model is not checked in time quadratic in its weights (that
 * kept gclip deaf to Ctrl-C for half a minute).
 */
function indexWeights(specs: readonly WeightSpec[]): Map<string, WeightSpec | null> {
  const index = new Map<string, WeightSpec | null>();
  for (const spec of specs) {
    let at = -1;
    do {
      const tail = spec.name.slice(at + 1);
      index.set(tail, index.has(tail) ? null : spec);
      at = spec.name.indexOf('/', at + 1);
    } while (at !== -1);
  }
  return index;
}

/** The manifest weight of `layer`/`weight`: the one whose name is it or ends with `/` and it. */
function manifestWeight(weights: ReadonlyMap<string, WeightSpec | null>, layer: string, weight: string): WeightSpec | undefined {
  return weights.get(`${layer}/${weight}`) ?? undefined;
}

class GclipCheckedInit extends Zeros {
  static className = 'GclipCheckedInit';
  constructor(private readonly slot: Slot) {
    super();
  }

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const budget = budgets.get(this.slot.budget);
    const spec = budget?.slots[this.slot.slot];
    if (budget && spec) check(budget, spec, shape);
    const made = super.apply(shape, dtype);
    budget?.made.push(made);
    return made;
  }

  getConfig(): Slot {
    return this.slot;
  }
}
tf.serialization.registerClass(GclipCheckedInit as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

function check(budget: Budget, spec: Spec, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const expected = manifestWeight(budget.weights, spec.layer, spec.weight);
  if (expected && expected.shape.join() !== shape.join()) {
    throw mismatch(budget, spec, `layer '${spec.layer}' makes its ${spec.weight} of shape [${shape.join(', ')}], but the manifest's '${expected.name}' has shape [${expected.shape.join(', ')}]`);
  }
  if (size > budget.remaining) {
    throw mismatch(budget, spec, `layer '${spec.layer}' makes its ${spec.weight} of shape [${shape.join(', ')}] (${size} values), more than the ${budget.remaining} values the weights manifest has left for it`);
  }
  budget.remaining -= size;
}

/** Replaces (or adds, for known classes) the initializers of every layer config under `node`, in place. */
function rewrite(node: unknown, at: string, id: string, slots: Spec[]): void {
  if (Array.isArray(node)) return node.forEach((v, i) => rewrite(v, `${at}[${i}]`, id, slots));
  if (!isRecord(node)) return;
  const config = node.config;
  if (typeof node.class_name === 'string' && isRecord(config)) {
    const layer = typeof config.name === 'string' ? config.name : '';
    const keys = new Set([...Object.keys(config).filter((k) => k in WEIGHT_OF_KEY && isRecord(config[k])), ...(KEYS_OF_CLASS[node.class_name] ?? [])]);
    for (const key of keys) {
      const slot: Slot = { budget: id, slot: slots.push({ layer, weight: WEIGHT_OF_KEY[key]!, at: `${at}.config.${key}` }) - 1 };
      config[key] = { class_name: GclipCheckedInit.className, config: slot };
    }
  }
  for (const [key, value] of Object.entries(node)) if (typeof value === 'object' && value !== null) rewrite(value, `${at}.${key}`, id, slots);
}

/**
 * Runs `build` on `topology` (at JSON path `at` of `file`) with every weight allocation
 * checked against `specs` (the manifest): a weight whose manifest entry (`<layer>/<weight>`)
 * has another shape, or any weight beyond the values the manifest holds, throws
 * `model_weights_mismatch` (exit 2, with the initializer's field path) before it is
 * allocated. Rewrites `topology`'s initializers in place.
 */
export async function buildChecked<T>(topology: Record<string, unknown>, o: { at: string; file: string; specs: readonly WeightSpec[] }, build: () => Promise<T>): Promise<T> {
  const id = `b${nextId++}`;
  const slots: Spec[] = [];
  rewrite(topology, o.at, id, slots);
  const budget: Budget = { file: o.file, weights: indexWeights(o.specs), slots, made: [], remaining: o.specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0) };
  budgets.set(id, budget);
  try {
    return await build();
  } catch (e) {
    for (const t of budget.made) if (!t.isDisposed) t.dispose();
    throw e;
  } finally {
    budgets.delete(id);
  }
}
