/**
 * What a model.json's training config says about training, in gclip's terms: the
 * optimizer and learning rate of `optimizer_config`, its Keras clipping (`clipnorm`,
 * `global_clipnorm`, `clipvalue`) and the loss. `config/merge` lays these under the
 * config file and the flags (provenance `model.json`).
 */
import type { ModelLayer } from '../config/model-layer.js';
import { READ_LIMITS } from '../guard/limits.js';
import type { FileReader } from './files.js';
import { lossFromTrainingConfig } from './loss-names.js';
import { isRecord } from '../config/field-path.js';

type Json = Record<string, unknown>;

/**
 * The training config of a parsed model.json: the converter layout's
 * `modelTopology.training_config`, else the `model.save()` layout's top-level
 * `trainingConfig`; undefined when it has neither.
 */
export function trainingConfigOf(doc: unknown): unknown {
  if (!isRecord(doc)) return undefined;
  const top = doc.modelTopology;
  return (isRecord(top) && isRecord(top.model_config) ? top.training_config : undefined) ?? doc.trainingConfig;
}

/** The first positive finite number among `config[keys]`. */
function positive(config: Json, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const v = config[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}

/** A constant rate, or a schedule's starting rate (`ExponentialDecay` and friends hold `initial_learning_rate`). */
function learningRate(config: Json): number | undefined {
  const lr = config.learning_rate ?? config.learningRate ?? config.lr;
  if (isRecord(lr) && isRecord(lr.config)) return positive(lr.config, 'initial_learning_rate', 'initialLearningRate');
  return positive(config, 'learning_rate', 'learningRate', 'lr');
}

/** `keras.optimizers.Adam`, `Custom>Adam`, `adam` → `adam`. */
function className(name: string): string {
  return (name.split(/[>.]/).pop() ?? name).toLowerCase();
}

type Optimizer = { optimizer: 'sgd' | 'momentum' | 'adam' | 'rmsprop'; momentum?: number } | { unsupported: string };

/** gclip's optimizer for a Keras/tfjs optimizer class and its config; a variant gclip does not build is `unsupported`, named. */
function optimizerOf(name: string, config: Json): Optimizer {
  const flagged = (key: string) => config[key] === true;
  // gclip's optimizers have no weight decay: a decoupled decay would be silently dropped.
  if (positive(config, 'weight_decay', 'weightDecay') !== undefined) return { unsupported: `${name} with weight_decay` };
  switch (className(name)) {
    case 'sgd': {
      if (flagged('nesterov')) return { unsupported: `${name} with nesterov` };
      const momentum = positive(config, 'momentum');
      return momentum === undefined ? { optimizer: 'sgd' } : { optimizer: 'momentum', momentum: Math.min(momentum, 1) };
    }
    case 'momentum':
      return flagged('useNesterov') ? { unsupported: `${name} with useNesterov` } : { optimizer: 'momentum', momentum: Math.min(positive(config, 'momentum') ?? 0, 1) };
    case 'adam':
      return flagged('amsgrad') ? { unsupported: `${name} with amsgrad` } : { optimizer: 'adam' };
    case 'rmsprop':
      if (flagged('centered')) return { unsupported: `${name} with centered` };
      return positive(config, 'momentum') === undefined ? { optimizer: 'rmsprop' } : { unsupported: `${name} with momentum` };
    default:
      return { unsupported: name };
  }
}

/**
 * Keras clips in its optimizer: `clipnorm` each variable on its own, else
 * `global_clipnorm` all of them together (tf.clip_by_global_norm), else `clipvalue`
 * each element (Keras 3's order of precedence).
 */
function clipOf(config: Json): Json | undefined {
  const tensor = positive(config, 'clipnorm');
  if (tensor !== undefined) return { kind: 'tensor-norm', maxNorm: tensor };
  const global = positive(config, 'global_clipnorm');
  if (global !== undefined) return { kind: 'norm', maxNorm: global, semantics: 'tf' };
  const value = positive(config, 'clipvalue');
  return value === undefined ? undefined : { kind: 'value', clipValue: value };
}

/**
 * The settings a training config supplies: `train.optimizer` (+ `train.momentum` for
 * Keras SGD with momentum), `train.lr`, `train.loss` and `clip`, each only when the
 * config names it in a form gclip understands. An optimizer class gclip does not build
 * (Adadelta, Nadam, SGD with nesterov, ...) is returned as `unsupportedOptimizer`, so the
 * caller can ask for one it does build. Unknown losses are left out (`train.loss: auto`
 * then falls back to the task's default).
 */
export function trainingDefaults(trainingConfig: unknown, source: string): ModelLayer {
  const train: Json = {};
  const loss = lossFromTrainingConfig(trainingConfig);
  if (loss !== null) train.loss = loss;
  const opt = isRecord(trainingConfig) ? (trainingConfig.optimizer_config ?? trainingConfig.optimizerConfig) : undefined;
  const layer: { source: string; data: { train: Json; clip?: Json }; unsupportedOptimizer?: string } = { source, data: { train } };
  if (!isRecord(opt) || typeof opt.class_name !== 'string') return layer;
  const config = isRecord(opt.config) ? opt.config : {};
  const optimizer = optimizerOf(opt.class_name, config);
  if ('unsupported' in optimizer) return { ...layer, unsupportedOptimizer: optimizer.unsupported };
  Object.assign(train, optimizer);
  const lr = learningRate(config);
  if (lr !== undefined) train.lr = lr;
  const clip = clipOf(config);
  return clip === undefined ? layer : { ...layer, data: { train, clip } };
}

/**
 * The training defaults of the model.json at `file` (read within `READ_LIMITS.modelJson`),
 * or null when it cannot be read or parsed: loading the model later reports that with
 * the file, field and line.
 */
export async function readTrainingDefaults(file: string, read: FileReader): Promise<ModelLayer | null> {
  let doc: unknown;
  try {
    doc = JSON.parse(await read.text(file, READ_LIMITS.modelJson));
  } catch {
    return null;
  }
  const trainingConfig = trainingConfigOf(doc);
  return trainingConfig === undefined || trainingConfig === null ? null : trainingDefaults(trainingConfig, file);
}
