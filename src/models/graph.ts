/**
 * Checks the layer graph of a functional model config *before* tfjs builds it. tfjs
 * (`Container.fromConfig`) re-queues every call whose input does not exist yet and loops
 * until the queue is empty, so a call naming a missing layer, a node that is never made
 * or a cycle makes it spin forever, deaf to Ctrl-C. This module runs the same scheduling
 * on names and counts only, and turns each of those into an exit-2 error with its path.
 */
import { inputError, type GclipError } from '../errors.js';
import { preview } from '../guard/shape.js';
import { MODEL_LIMITS } from './limits.js';
import { isRecord } from '../config/field-path.js';

const CONTAINERS = new Set(['Functional', 'Model']);

/** One call of a layer: the [layer, node, tensor] it reads, and where it is in the file. */
interface Call {
  readonly layer: string;
  readonly inputs: readonly (readonly [string, number])[];
  readonly at: string;
}

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function graphError(file: string, path: string, message: string, hint: string): GclipError {
  return inputError('model_bad_graph', { path, message, hint, source: file });
}

const REEXPORT = 'The layer graph of model.json is damaged; export the model again (model.save() or tensorflowjs_converter).';

/** Nodes a layer has before any call: an InputLayer and a nested built model have one (Keras counts it as node 0). */
function initialNodes(entry: Record<string, unknown>): number {
  const cls = entry.class_name;
  if (cls === 'InputLayer' || CONTAINERS.has(cls as string)) return 1;
  if (cls !== 'Sequential') return 0;
  const first = isRecord(entry.config) && Array.isArray(entry.config.layers) ? entry.config.layers[0] : undefined;
  const inner = isRecord(first) && isRecord(first.config) ? first.config : {};
  return isRecord(first) && (first.class_name === 'InputLayer' || inner.batch_input_shape !== undefined || inner.batch_shape !== undefined) ? 1 : 0;
}

/** The inputs of one inbound node: each `[layer name, node index, tensor index, kwargs?]`. */
function readCall(node: unknown, layer: string, at: string, file: string): Call {
  if (!Array.isArray(node) || node.length === 0) {
    throw graphError(file, at, `layer '${layer}' has an ${Array.isArray(node) ? 'empty' : 'invalid'} inbound node (${JSON.stringify(node)?.slice(0, 60)}); each lists the [layer, node, tensor, kwargs] it is called on`, REEXPORT);
  }
  const inputs = node.map((input, k) => {
    const ok = Array.isArray(input) && typeof input[0] === 'string' && isIndex(input[1]) && isIndex(input[2]) && (input[3] === undefined || input[3] === null || isRecord(input[3]));
    if (!ok) throw graphError(file, `${at}[${k}]`, `expected [layer name, node index, tensor index, kwargs], received ${JSON.stringify(input)?.slice(0, 80)}`, REEXPORT);
    return [input[0] as string, input[1] as number] as const;
  });
  return { layer, inputs, at };
}

/** The layers of a functional config by name (unique) and their calls, in file order. */
function readLayers(layers: readonly unknown[], at: string, file: string): { counts: Map<string, number>; calls: Call[] } {
  const counts = new Map<string, number>();
  const calls: Call[] = [];
  layers.forEach((entry, i) => {
    const here = `${at}.layers[${i}]`;
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') throw graphError(file, `${here}.name`, 'expected a layer with a non-empty "name"', REEXPORT);
    const inner = isRecord(entry.config) ? entry.config.name : undefined;
    if (inner !== undefined && inner !== entry.name) throw graphError(file, `${here}.config.name`, `layer name '${String(inner)}' differs from the entry's name '${entry.name}'`, REEXPORT);
    if (counts.has(entry.name)) throw graphError(file, `${here}.name`, `two layers are named '${entry.name}'`, REEXPORT);
    counts.set(entry.name, initialNodes(entry));
    const nodes = entry.inbound_nodes;
    if (!Array.isArray(nodes)) throw graphError(file, `${here}.inbound_nodes`, `expected a list of inbound nodes ([] for an input layer), received ${preview(nodes)}`, REEXPORT);
    nodes.forEach((node, j) => calls.push(readCall(node, entry.name as string, `${here}.inbound_nodes[${j}]`, file)));
  });
  for (const call of calls) {
    call.inputs.forEach(([name], k) => {
      if (!counts.has(name)) throw graphError(file, `${call.at}[${k}]`, `layer '${call.layer}' is called on layer '${name}', which the model does not have`, REEXPORT);
    });
  }
  return { counts, calls };
}

/**
 * tfjs's scheduling on counts: a call runs once every input node exists and then adds one
 * node to its layer. Returns the calls that can never run (a cycle, or a node index past
 * the calls its layer gets), in file order. A work list keeps it linear in the calls.
 */
function unreachableCalls(counts: Map<string, number>, calls: readonly Call[]): Call[] {
  const waiting = new Map<string, Call[]>();
  const done = new Set<Call>();
  const queue = [...calls];
  while (queue.length > 0) {
    const call = queue.pop()!;
    const missing = call.inputs.find(([name, node]) => counts.get(name)! <= node);
    if (missing) {
      const key = `${missing[0]}#${missing[1]}`;
      waiting.set(key, [...(waiting.get(key) ?? []), call]);
      continue;
    }
    const made = counts.get(call.layer)!;
    counts.set(call.layer, made + 1);
    done.add(call);
    const woken = waiting.get(`${call.layer}#${made}`);
    if (woken) {
      waiting.delete(`${call.layer}#${made}`);
      queue.push(...woken);
    }
  }
  return calls.filter((c) => !done.has(c));
}

function checkEnds(config: Record<string, unknown>, counts: Map<string, number>, at: string, file: string): void {
  for (const key of ['input_layers', 'output_layers']) {
    const ends = config[key];
    if (!Array.isArray(ends)) throw graphError(file, `${at}.${key}`, `expected a list of [layer, node, tensor], received ${JSON.stringify(ends)?.slice(0, 60) ?? 'nothing'}`, REEXPORT);
    ends.forEach((end, i) => {
      const ok = Array.isArray(end) && typeof end[0] === 'string' && isIndex(end[1]) && isIndex(end[2]) && counts.has(end[0]) && counts.get(end[0])! > end[1];
      if (!ok) throw graphError(file, `${at}.${key}[${i}]`, `expected [layer, node, tensor] naming a node the model makes, received ${JSON.stringify(end)?.slice(0, 80)}`, REEXPORT);
    });
  }
}

function checkFunctional(config: Record<string, unknown>, at: string, file: string, seen: { layers: number }): void {
  const layers = config.layers;
  if (!Array.isArray(layers)) throw graphError(file, `${at}.layers`, 'expected a list of layers', REEXPORT);
  seen.layers += layers.length;
  if (seen.layers > MODEL_LIMITS.layers) {
    throw inputError('model_too_large', { path: `${at}.layers`, message: `the model has more than ${MODEL_LIMITS.layers} layers`, hint: 'gclip loads models of up to 10,000 layers (docs/limits.md).', source: file });
  }
  const { counts, calls } = readLayers(layers, at, file);
  const stuck = unreachableCalls(counts, calls)[0];
  if (stuck) {
    const [name, node] = stuck.inputs.find(([n, k]) => counts.get(n)! <= k)!;
    throw graphError(file, stuck.at, `layer '${stuck.layer}' needs node ${node} of layer '${name}', which is never made (the calls form a cycle, or '${name}' is called fewer times)`, REEXPORT);
  }
  checkEnds(config, counts, at, file);
}

/**
 * Validates every functional graph in a model config (the root and nested models, inside
 * Sequential models and wrappers too), so `tf.models.modelFromJSON` cannot loop forever.
 * `at` is the JSON path of `topology` for errors.
 *
 * Checks: every `class_name` a string; at most `MODEL_LIMITS.layers` layers; layers named uniquely (entry and config
 * name equal); every layer with an `inbound_nodes` list; each inbound node a non-empty list of [layer, node, tensor, kwargs] naming
 * an existing layer; every call can run (no cycle, no node index past the calls a layer
 * gets); `input_layers` and `output_layers` name nodes that exist.
 *
 * Throws `model_bad_graph` or `model_too_large` (exit 2) with the file and the field path.
 */
export function checkLayerGraph(topology: unknown, at: string, file: string, seen = { layers: 0 }): void {
  if (Array.isArray(topology)) return topology.forEach((v, i) => checkLayerGraph(v, `${at}[${i}]`, file, seen));
  if (!isRecord(topology)) return;
  // tfjs looks classes up by property key, so ["Functional"] would build a functional model unchecked.
  if ('class_name' in topology && typeof topology.class_name !== 'string') throw graphError(file, `${at}.class_name`, `expected a class name, received ${preview(topology.class_name)}`, REEXPORT);
  const config = topology.config;
  if (CONTAINERS.has(topology.class_name as string) && isRecord(config)) checkFunctional(config, `${at}.config`, file, seen);
  for (const [key, value] of Object.entries(topology)) {
    if (typeof value === 'object' && value !== null && key !== 'inbound_nodes') checkLayerGraph(value, `${at}.${key}`, file, seen);
  }
}
