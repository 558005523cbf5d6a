/**
 * gclip's loss names and the mapping from a Keras/tfjs training config's loss to them:
 * plain data, so reading a config (`gclip config print/validate`) never loads tfjs.
 */

/** gclip's loss names (config `train.loss`, minus `auto`). */
export type LossName = 'mse' | 'mae' | 'huber' | 'binary-crossentropy' | 'categorical-crossentropy';

const ALIASES: Readonly<Record<string, LossName>> = {
  mse: 'mse',
  meansquarederror: 'mse',
  mae: 'mae',
  meanabsoluteerror: 'mae',
  huber: 'huber',
  huberloss: 'huber',
  binarycrossentropy: 'binary-crossentropy',
  categoricalcrossentropy: 'categorical-crossentropy',
  sparsecategoricalcrossentropy: 'categorical-crossentropy',
};

/**
 * gclip's name for the loss of a Keras/tfjs training config (`training_config.loss` or
 * `trainingConfig.loss`): a string (`mean_squared_error`, `meanSquaredError`, `mse`), a
 * serialised object (`{class_name: 'Huber', config}`), or a one-entry list/map of those.
 * Sparse categorical cross-entropy maps to categorical (gclip one-hot encodes targets).
 * Returns null when absent or unknown.
 */
export function lossFromTrainingConfig(trainingConfig: unknown): LossName | null {
  let loss = (trainingConfig as { loss?: unknown } | null | undefined)?.loss;
  if (Array.isArray(loss)) loss = loss.length === 1 ? loss[0] : undefined;
  if (loss && typeof loss === 'object' && !('class_name' in loss)) {
    const values = Object.values(loss);
    loss = values.length === 1 ? values[0] : undefined;
  }
  if (loss && typeof loss === 'object') loss = (loss as { class_name?: unknown }).class_name;
  if (typeof loss !== 'string') return null;
  return ALIASES[loss.toLowerCase().replace(/[^a-z]/g, '')] ?? null;
}
