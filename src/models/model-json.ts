/**
 * Loads a TensorFlow.js LayersModel from `model.json` and its weight shards through an
 * injected reader: the topology goes to `tf.models.modelFromJSON`, the shards to
 * `tf.io.decodeWeights`, so no tfjs-node and no `file://` handler is needed. Both layouts load: tfjs `model.save()` (`modelTopology` is the model config,
 * `trainingConfig` at the top level) and the converter's Keras layout (`modelTopology`
 * holds `keras_version`, `model_config` and `training_config`).
 */
import JSON5 from 'json5';
import { inputError, isGclipError, type ErrorCode, type GclipError } from '../errors.js';
import { READ_LIMITS } from '../guard/limits.js';
import { checkNesting } from '../guard/shape.js';
import { tf, type LayersModel } from '../runtime/tf.js';
import { buildChecked } from './checked-init.js';
import { isNotFound, type FileReader } from './files.js';
import { checkLayerGraph } from './graph.js';
import { loadWeightsManifest, type LoadedWeights, type WeightSpec } from './manifest.js';
import { lossFromTrainingConfig, type LossName } from './loss.js';
import { fuseRecurrentLayers } from './fused-recurrent.js';
import { trainingConfigOf } from './training-config.js';
import { isRecord } from '../config/field-path.js';

/** A model loaded from disk and what gclip needs to know about it. */
export interface LoadedModel {
  readonly model: LayersModel;
  /** `keras`: converter layout (`model_config`); `tfjs`: `model.save()` layout. */
  readonly layout: 'keras' | 'tfjs';
  /** The loss named by the file's training config, when gclip knows it; else null. */
  readonly trainingLoss: LossName | null;
  /** Whether the output is already squashed by a final softmax/sigmoid. */
  readonly output: 'logits' | 'probabilities';
  /** Shape of one input sample; null where the model accepts any size. */
  readonly inputShape: readonly (number | null)[];
  /** Width of the (single) output. */
  readonly outputDim: number;
}

const REEXPORT = 'Re-export the model with tfjs model.save() or tensorflowjs_converter --input_format keras.';

function modelError(code: ErrorCode, file: string, path: string, message: string, hint: string, line?: number): GclipError {
  return inputError(code, { path, message, hint, source: line === undefined ? file : `${file}:${line}` });
}

/** JSON.parse with the line of a syntax error (Node's message has no position; JSON5's has). */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    let line: number | undefined;
    try {
      JSON5.parse(text);
    } catch (e5) {
      line = (e5 as { lineNumber?: number }).lineNumber;
    }
    const what = text.trim() === '' ? 'the file is empty' : `not valid JSON: ${(e as Error).message}`;
    throw modelError('model_bad_json', file, '', what, 'model.json must be the JSON file written by model.save() or tensorflowjs_converter.', line);
  }
}

/** The class names a model config uses, with their JSON paths (nested models and wrappers included). */
function layerClasses(config: unknown, at: string, out: { name: string; at: string }[]): void {
  if (!isRecord(config)) return;
  if (typeof config.class_name === 'string') out.push({ name: config.class_name, at: `${at}.class_name` });
  const inner = config.config;
  if (!isRecord(inner)) return;
  if (Array.isArray(inner.layers)) inner.layers.forEach((l, i) => layerClasses(l, `${at}.config.layers[${i}]`, out));
  if (isRecord(inner.layer)) layerClasses(inner.layer, `${at}.config.layer`, out);
}

function checkLayerClasses(topology: Record<string, unknown>, at: string, file: string): void {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const found: { name: string; at: string }[] = [];
  layerClasses(topology, at, found);
  const unknown = found.find((c) => !(c.name in known));
  if (unknown) {
    throw modelError('model_unknown_layer', file, unknown.at, `layer class '${unknown.name}' is not available in TensorFlow.js 4.22`, 'Replace the layer with a built-in one (custom Python layers must be ported to tfjs), or train a built-in model.');
  }
}

/** Keras 3 `inbound_nodes` ({args, kwargs} with `keras_history`) in the Keras 2 form tfjs reads. */
function keras2Nodes(nodes: unknown[]): unknown[] {
  const history = (v: unknown, out: unknown[][]): void => {
    if (Array.isArray(v)) v.forEach((e) => history(e, out));
    else if (isRecord(v) && isRecord(v.config) && Array.isArray(v.config.keras_history)) out.push([...v.config.keras_history, {}]);
  };
  return nodes.map((node) => {
    if (!isRecord(node) || !('args' in node)) return node;
    const tensors: unknown[][] = [];
    history(node.args, tensors);
    return tensors;
  });
}

/**
 * Rewrites the few Keras 3 spellings tfjs 4.22 does not read, in place: `batch_shape` →
 * `batch_input_shape`, a `DTypePolicy` object → its name, and `{args, kwargs}` inbound
 * nodes → `[[name, node, tensor, {}]]`. Keras 2 and tfjs configs pass unchanged.
 */
export function normalizeKeras3(config: unknown): void {
  if (Array.isArray(config)) return config.forEach(normalizeKeras3);
  if (!isRecord(config)) return;
  const inner = config.config;
  if (isRecord(inner)) {
    if (Array.isArray(inner.batch_shape) && inner.batch_input_shape === undefined) {
      inner.batch_input_shape = inner.batch_shape;
      delete inner.batch_shape;
    }
    if (isRecord(inner.dtype) && isRecord(inner.dtype.config) && typeof inner.dtype.config.name === 'string') inner.dtype = inner.dtype.config.name;
  }
  if (Array.isArray(config.inbound_nodes)) config.inbound_nodes = keras2Nodes(config.inbound_nodes);
  for (const v of Object.values(config)) if (typeof v === 'object' && v !== null) normalizeKeras3(v);
}

interface Parsed {
  readonly topology: Record<string, unknown>;
  readonly topologyPath: string;
  readonly layout: 'keras' | 'tfjs';
  readonly trainingConfig: unknown;
}

function splitLayouts(doc: unknown, file: string): Parsed {
  if (!isRecord(doc) || !isRecord(doc.modelTopology)) {
    throw modelError('model_bad_topology', file, 'modelTopology', `expected an object with a "modelTopology" object, received ${isRecord(doc) ? `keys ${Object.keys(doc).join(', ') || '(none)'}` : typeof doc}`, REEXPORT);
  }
  const top = doc.modelTopology;
  if (isRecord(top.model_config)) {
    return { topology: top.model_config, topologyPath: 'modelTopology.model_config', layout: 'keras', trainingConfig: trainingConfigOf(doc) };
  }
  if (typeof top.class_name !== 'string') {
    throw modelError('model_bad_topology', file, 'modelTopology', 'modelTopology has neither "model_config" (converter layout) nor "class_name" (model.save() layout)', REEXPORT);
  }
  return { topology: top, topologyPath: 'modelTopology', layout: 'tfjs', trainingConfig: trainingConfigOf(doc) };
}

/** Variables tfjs has registered, by name: a failed build leaves its half-made layers' weights here. */
function registeredVariables(): Record<string, tf.Variable> {
  return (tf.engine() as unknown as { state: { registeredVariables: Record<string, tf.Variable> } }).state.registeredVariables;
}

async function fromTopology(parsed: Parsed, file: string, specs: readonly WeightSpec[]): Promise<LayersModel> {
  const before = new Set(Object.keys(registeredVariables()));
  try {
    const build = () => tf.models.modelFromJSON({ modelTopology: parsed.topology } as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
    const model = await buildChecked(parsed.topology, { at: parsed.topologyPath, file, specs }, build);
    // Layers no output depends on are not part of the model, and model.dispose() would never free their weights.
    const kept = new Set(model.weights.map((w) => (w.read() as tf.Variable).name));
    for (const [name, v] of Object.entries(registeredVariables())) if (!before.has(name) && !kept.has(name)) v.dispose();
    return model;
  } catch (e) {
    // tfjs does not clean up a model it failed to finish; release the weights it made.
    for (const [name, v] of Object.entries(registeredVariables())) if (!before.has(name)) v.dispose();
    if (isGclipError(e)) throw e;
    // tfjs's own errors say what is wrong; a TypeError from inside it only says that a field it needed was missing.
    const raw = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    const message = e instanceof TypeError || raw.includes('undefined') ? 'a field it needs is missing or of the wrong type' : raw;
    throw modelError('model_unsupported', file, parsed.topologyPath, `TensorFlow.js could not build this model: ${message}`, 'gclip loads Keras 2 / tfjs layer models with one input and one output; re-export the model with tensorflowjs_converter.');
  }
}

/** The first difference between the manifest's weights and the model's, or null. */
function weightMismatch(model: LayersModel, specs: readonly WeightSpec[]): string | null {
  const expected = new Map(model.weights.map((w) => [w.originalName, w.shape]));
  const given = new Set(specs.map((s) => s.name));
  for (const spec of specs) {
    const shape = expected.get(spec.name);
    if (!shape) return `weight '${spec.name}' in the manifest belongs to no layer (the model's weights: ${[...expected.keys()].join(', ')})`;
    if (shape.join() !== spec.shape.join()) return `weight '${spec.name}' has shape [${spec.shape.join(', ')}] in the manifest, the layer expects [${shape.join(', ')}]`;
  }
  const missing = [...expected.keys()].find((n) => !given.has(n));
  return missing ? `the manifest has no values for weight '${missing}'` : null;
}

/** Builds the model from its topology, checks the manifest's names and shapes against it, then sets the weights; disposes it on any failure. */
async function build(parsed: Parsed, weights: LoadedWeights, file: string): Promise<LayersModel> {
  const model = await fromTopology(parsed, file, weights.specs);
  const mismatch = weightMismatch(model, weights.specs);
  if (mismatch) {
    model.dispose();
    throw modelError('model_weights_mismatch', file, 'weightsManifest', mismatch, 'The shards belong to another version of this model; export model.json and its shards together.');
  }
  const named = tf.io.decodeWeights(weights.data, weights.specs);
  try {
    model.loadWeights(named, true);
  } finally {
    tf.dispose(Object.values(named));
  }
  return model;
}

function outputKind(model: LayersModel): 'logits' | 'probabilities' {
  const layer = model.outputLayers[0];
  const config = layer?.getConfig() ?? {};
  const activation = config.activation;
  return activation === 'softmax' || activation === 'sigmoid' || layer?.getClassName() === 'Softmax' ? 'probabilities' : 'logits';
}

/**
 * Reads `file` (model.json, within `READ_LIMITS.modelJson`) and its shards with `read`,
 * validates the nesting depth, the layer classes, the layer graph (`checkLayerGraph`: no
 * input that tfjs would wait for forever) and the manifest (see `loadWeightsManifest`)
 * before creating any tensor, builds the model from its topology with every weight's
 * shape checked against the manifest before it is allocated (`buildChecked`), checks the
 * manifest's weight names and shapes against the model and only then sets the weights
 * (the model is disposed on any failure). Layers saved with
 * `trainable: false` stay frozen (they are absent from `model.trainableWeights`).
 * The file's training config is read for its loss here; `models/training-config` reads its
 * optimizer, learning rate and clipping into the run config.
 * Its SimpleRNN, LSTM and GRU layers run as one fused op where they can (`fuseRecurrentLayers`).
 *
 * Throws exit-2 GclipErrors naming `file` and the field: `model_not_found`,
 * `file_too_large`, `too_deeply_nested`, `model_bad_json` (with the line),
 * `model_bad_topology`, `model_unknown_layer`, `model_bad_graph`, `model_too_large`,
 * manifest errors, `model_weights_mismatch` (a manifest weight that no layer has, or of
 * another shape), `model_unsupported` (tfjs refused the config, or the model has several
 * inputs or outputs).
 */
export async function loadModelJson(file: string, read: FileReader): Promise<LoadedModel> {
  let text: string;
  try {
    text = await read.text(file, READ_LIMITS.modelJson);
  } catch (e) {
    if (isGclipError(e)) throw e;
    const missing = isNotFound(e);
    throw modelError(missing ? 'model_not_found' : 'model_unreadable', file, 'model.path', missing ? 'the model file does not exist' : `the model file could not be read: ${(e as Error).message}`, 'Pass the path of model.json with --model (relative to the working directory).');
  }
  const doc = parseJson(text, file);
  checkNesting(doc, file, 'model.json');
  const parsed = splitLayouts(doc, file);
  checkLayerClasses(parsed.topology, parsed.topologyPath, file);
  normalizeKeras3(parsed.topology);
  checkLayerGraph(parsed.topology, parsed.topologyPath, file);
  const weights = await loadWeightsManifest((doc as Record<string, unknown>).weightsManifest, file, read);
  const model = await build(parsed, weights, file);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw modelError('model_unsupported', file, parsed.topologyPath, `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; gclip trains models with one of each`, 'Wrap the model so it takes one input tensor and returns one output tensor.');
  }
  fuseRecurrentLayers(model);
  const outShape = model.outputs[0]!.shape;
  return {
    model,
    layout: parsed.layout,
    trainingLoss: lossFromTrainingConfig(parsed.trainingConfig),
    output: outputKind(model),
    inputShape: model.inputs[0]!.shape.slice(1),
    outputDim: outShape[outShape.length - 1] ?? 1,
  };
}
