/**
 * Runs tfjs-layers' SimpleRNN, LSTM and GRU layers as one fused op per call on the host
 * backends (wasm, cpu) — see `runtime/recurrent/op.ts` — instead of tfjs-layers' per-step
 * cell ops (~2,800–3,000 kernel dispatches per LSTM/GRU training step, issue #22).
 *
 * Only the layer instance's `call` is replaced: the model, its layers' names, classes,
 * configs and variables, its saved model.json and its weights are those tfjs-layers made.
 * A call the fused op does not implement goes to tfjs-layers' own `call`, which stays the
 * reference: see {@link unfusableReason} (fixed by the layer's config) and the per-call
 * conditions of {@link fuseRecurrentLayers}.
 */
import { isHostActivation } from '../runtime/recurrent/activations.js';
import { recurrentOpAvailable, recurrentSequence } from '../runtime/recurrent/op.js';
import type { CellKind, RecurrentAttrs } from '../runtime/recurrent/spec.js';
import { tf, type LayersModel, type Tensor } from '../runtime/tf.js';
import type { Layer } from './layers.js';

/** The tfjs-layers class names fused, and their cell. */
const CELLS: Readonly<Record<string, CellKind>> = { SimpleRNN: 'simple', LSTM: 'lstm', GRU: 'gru' };

interface Weight { read(): Tensor }
interface Cell {
  readonly units: number;
  readonly activation: { getClassName(): string };
  readonly recurrentActivation?: { getClassName(): string };
  readonly kernel: Weight;
  readonly recurrentKernel: Weight;
  readonly bias: Weight | null;
  readonly dropout: number;
  readonly recurrentDropout: number;
}
type Kwargs = { mask?: unknown; training?: boolean; initialState?: unknown } | undefined;
type Call = (inputs: Tensor | Tensor[], kwargs: Kwargs) => Tensor | Tensor[];
interface RecurrentLayer {
  readonly cell: Cell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  /** Set when the layer was given an input shape; float32 otherwise. */
  readonly dtype: string | undefined;
  getClassName(): string;
  call: Call;
}

const fused = new WeakSet<object>();

/** Whether `layer` is exactly tfjs-layers' class of that name (a subclass may override `call`). */
function isTfjsClass(layer: Layer, name: string): boolean {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name] as unknown as [{ prototype: object }] | undefined;
  return entry !== undefined && Object.getPrototypeOf(layer) === entry[0].prototype;
}

/**
 * Why the fused op cannot run `layer` whatever its inputs, or null when it can. Fused:
 * SimpleRNN, LSTM and GRU (exactly tfjs-layers' classes) with activations tanh, sigmoid,
 * hardSigmoid, relu, elu or linear (gates and output), with or without bias, any
 * `returnSequences` and `goBackwards`, float32. Not fused: `stateful`, `returnState`.
 */
export function unfusableReason(layer: Layer): string | null {
  const name = layer.getClassName();
  if (!(name in CELLS) || !isTfjsClass(layer, name)) return `${name} is not a SimpleRNN, LSTM or GRU layer of tfjs-layers`;
  const l = layer as unknown as RecurrentLayer;
  if (l.stateful) return 'stateful';
  if (l.returnState) return 'returnState';
  if (l.dtype != null && l.dtype !== 'float32') return `dtype ${l.dtype}`;
  const acts = [l.cell.activation, ...(l.cell.recurrentActivation ? [l.cell.recurrentActivation] : [])];
  const other = acts.map((a) => a.getClassName()).find((a) => !isHostActivation(a));
  return other === undefined ? null : `activation ${other}`;
}

/** The layers of `model`, nested models' and Bidirectional wrappers' included. */
function allLayers(layers: readonly Layer[], out: Layer[] = []): Layer[] {
  for (const layer of layers) {
    out.push(layer);
    const inner = layer as unknown as { layers?: Layer[]; forwardLayer?: Layer; backwardLayer?: Layer };
    if (Array.isArray(inner.layers)) allLayers(inner.layers, out);
    for (const wrapped of [inner.forwardLayer, inner.backwardLayer]) if (wrapped) out.push(wrapped);
  }
  return out;
}

/**
 * Makes every fusable recurrent layer of `model` (see {@link unfusableReason}) run through
 * the fused op; returns their names. Idempotent. Each call then takes the fused op when
 * the active backend is wasm or cpu, the input is one float32 [batch ≥ 1, time ≥ 1,
 * features] tensor, there is no mask, any initial state is given as tensors of the
 * state's shape, and dropout or recurrent dropout is not active (rate in (0, 1) while
 * training); otherwise tfjs-layers' own `call` runs, as if nothing had been changed.
 */
export function fuseRecurrentLayers(model: LayersModel): string[] {
  const names: string[] = [];
  for (const layer of allLayers(model.layers)) {
    if (unfusableReason(layer) !== null) continue;
    names.push(layer.name);
    if (fused.has(layer)) continue;
    fused.add(layer);
    const l = layer as unknown as RecurrentLayer;
    const original = l.call;
    l.call = function (this: RecurrentLayer, inputs, kwargs) {
      const attrs = callAttrs(this, inputs, kwargs);
      return attrs ? fusedCall(this, attrs) : original.call(this, inputs, kwargs);
    };
  }
  return names;
}

interface CallPlan {
  readonly x: Tensor;
  readonly initialState: readonly Tensor[];
  readonly attrs: RecurrentAttrs;
}

const active = (rate: number): boolean => rate > 0 && rate < 1;

/** The fused call's inputs and attributes, or null when tfjs-layers must run this call. */
function callAttrs(l: RecurrentLayer, inputs: Tensor | Tensor[], kwargs: Kwargs): CallPlan | null {
  const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
  if (!x || x.rank !== 3 || x.dtype !== 'float32' || x.shape[0] === 0 || x.shape[1] === 0) return null;
  if (kwargs?.mask != null) return null;
  if (kwargs?.training && (active(l.cell.dropout) || active(l.cell.recurrentDropout))) return null;
  const cell = CELLS[l.getClassName()]!;
  const state = kwargs?.initialState ?? null;
  const initialState = state === null ? [] : Array.isArray(state) ? (state as unknown[]) : [state];
  const shape = [x.shape[0], l.cell.units].join();
  const states = cell === 'lstm' ? 2 : 1;
  if (initialState.length > 0 && (initialState.length !== states || !initialState.every((s) => s instanceof tf.Tensor && s.dtype === 'float32' && s.shape.join() === shape))) return null;
  if (!recurrentOpAvailable()) return null;
  const attrs: RecurrentAttrs = {
    cell,
    activation: l.cell.activation.getClassName(),
    recurrentActivation: l.cell.recurrentActivation?.getClassName() ?? l.cell.activation.getClassName(),
    bias: l.cell.bias !== null,
    initialState: initialState.length > 0,
    goBackwards: l.goBackwards,
    returnSequences: l.returnSequences,
  };
  return { x, initialState: initialState as Tensor[], attrs };
}

function fusedCall(l: RecurrentLayer, plan: CallPlan): Tensor {
  const { cell } = l;
  return recurrentSequence(
    { x: plan.x, kernel: cell.kernel.read(), recurrentKernel: cell.recurrentKernel.read(), bias: cell.bias ? cell.bias.read() : null, initialState: plan.initialState },
    plan.attrs,
  );
}
