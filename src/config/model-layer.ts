/**
 * The settings a model.json's training config supplies, laid between the schema's
 * defaults and the config file: the file and the flags say otherwise where they name a
 * setting. `models/training-config` reads them; this module decides which apply.
 */
import { inputError } from '../errors.js';
import { getAt, isRecord } from './field-path.js';

/** What a model.json's training config supplies (the shape of a partial config). */
export interface ModelLayer {
  /** The model.json path, as given (named in provenance and messages). */
  readonly source: string;
  readonly data: { readonly train?: Readonly<Record<string, unknown>>; readonly clip?: Readonly<Record<string, unknown>> };
  /** The training config's optimizer when gclip does not build it (`Adadelta`, `SGD with nesterov`). */
  readonly unsupportedOptimizer?: string;
}

/** The layer's values that apply, as dotted path → value. */
export type AppliedLayer = ReadonlyMap<string, unknown>;

/**
 * Which of the layer's settings apply given the file's data and the flags' dotted paths:
 * - `clip` as a whole, when neither the file nor a flag touches `clip`;
 * - `train.optimizer`, when neither names it; then also `train.lr` and `train.momentum`
 *   where neither names them (a rate tuned for another optimizer is not carried over);
 * - `train.loss`, when neither names it or the file says `auto`.
 *
 * Throws GclipError `model_unsupported_optimizer` (exit 2) when the optimizer would come
 * from the model.json and gclip does not build it.
 */
export function applicableLayer(layer: ModelLayer, file: unknown, flagPaths: ReadonlySet<string>): AppliedLayer {
  const says = (path: string) => flagPaths.has(path) || getAt(file, path.split('.')) !== undefined;
  const out = new Map<string, unknown>();
  const train = layer.data.train ?? {};
  if (!says('train.optimizer')) {
    if (layer.unsupportedOptimizer !== undefined) throw unsupportedOptimizer(layer);
    for (const key of ['optimizer', 'lr', 'momentum']) if (train[key] !== undefined && !says(`train.${key}`)) out.set(`train.${key}`, train[key]);
  }
  const fileLoss = getAt(file, ['train', 'loss']);
  if (train.loss !== undefined && !flagPaths.has('train.loss') && (fileLoss === undefined || fileLoss === 'auto')) out.set('train.loss', train.loss);
  const touchesClip = [...flagPaths].some((p) => p.startsWith('clip.')) || getAt(file, ['clip']) !== undefined;
  if (layer.data.clip && !touchesClip) for (const [key, value] of Object.entries(layer.data.clip)) out.set(`clip.${key}`, value);
  return out;
}

function unsupportedOptimizer(layer: ModelLayer) {
  return inputError('model_unsupported_optimizer', {
    path: 'train.optimizer',
    message: `the model's training_config uses the optimizer ${layer.unsupportedOptimizer}, which gclip does not train with`,
    hint: 'Choose one gclip has: pass --optimizer adam, sgd, momentum or rmsprop (and --lr), or set train.optimizer in the config.',
    source: layer.source,
  });
}

/** `data` (a clone of the file's data) with the applied layer's values set, in place. */
export function withLayer(data: unknown, applied: AppliedLayer): unknown {
  const root = isRecord(data) ? data : {};
  for (const [path, value] of applied) {
    const keys = path.split('.');
    let at: Record<string, unknown> = root;
    for (const key of keys.slice(0, -1)) {
      if (!isRecord(at[key])) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]!] = value;
  }
  return root;
}

