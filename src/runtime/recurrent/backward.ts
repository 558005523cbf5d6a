/**
 * The backward kernel of a fused recurrent layer (backpropagation through time). The
 * cell's loop runs the steps last to first with one or two products per step for the
 * gradient of the previous state; the weight and input gradients then come from one
 * product each over all steps: dWᵀ = dzᵀ·x, dUᵀ = dzᵀ·h, dx = dz·Wᵀ (tfjs sums per-step
 * products instead, so these differ from it in rounding only), db = Σ dz.
 *
 * XNNPACK packs a product's right operand into its own layout the first time it sees the
 * tensor (~3 ns per float here, more than the product itself for a [1280, 128] dz), so
 * the long dz goes on the left and the narrow states [T·B, u] and inputs [T·B, I] on the
 * right.
 */
import type { tf } from '../tf.js';
import { transposeLastTwo } from '../kernels/batch-mat-mul.js';
import { hostActivation } from './activations.js';
import { gruBackward } from './gru.js';
import { lstmBackward } from './lstm.js';
import { columnsTensor, type BackwardPass } from './pass.js';
import { scatterInput, timeMajorInput } from './sequence.js';
import { simpleBackward } from './simple.js';
import { GATES, dimsOf, tapeLayout, type RecurrentAttrs } from './spec.js';
import type { Workspace } from './workspace.js';

type Info = tf.TensorInfo;

/** The registry name of the backward kernel. */
export const BACKWARD_KERNEL = 'GclipRecurrentBackward';

/**
 * Inputs [dy, tape, x, kernel, recurrent kernel]; outputs the gradients of the forward
 * kernel's inputs in their order: dx, dW, dU, then db (`bias`), then dh0 (and dc0 for an
 * LSTM) (`initialState`).
 */
export function recurrentBackward(inputs: readonly Info[], a: RecurrentAttrs, ws: Workspace): Info[] {
  const [dy, tape, x, kernel, recurrent] = inputs as [Info, Info, Info, Info, Info];
  const dims = dimsOf(x.shape, recurrent.shape);
  const { batch: B, steps: T, features: I, units: u } = dims;
  const width = GATES[a.cell] * u;
  const pass: BackwardPass = {
    ws, dims, tape, recurrent, dy,
    layout: tapeLayout(a.cell, dims),
    returnSequences: a.returnSequences,
    dz: ws.alloc([T * B, width]),
    dh: new Float32Array(B * u),
    dc: new Float32Array(B * u),
    act: hostActivation(a.activation, ws.backend),
    gate: hostActivation(a.cell === 'simple' ? a.activation : a.recurrentActivation, ws.backend),
  };
  // −0 is the additive identity (+0 would turn a −0 gradient into +0, which tfjs keeps).
  if (a.returnSequences) pass.dh.fill(-0);
  else pass.dh.set(ws.io.read(dy));
  pass.dc.fill(-0);
  runCell(pass, a);
  // One blocked transpose after the loop: scattering each step's rows into dzᵀ cost more.
  const dzT = ws.alloc([width, T * B]);
  transposeLastTwo(ws.io.read(pass.dz), ws.io.view(dzT), 1, T * B, width);
  const dUt = recurrentWeightGrad(pass, a, dzT);
  const dWt = ws.product(dzT, timeMajorInput(ws, x, dims, a.goBackwards, false));
  const dxRows = ws.product(pass.dz, columnsTensor(ws, kernel, 0, width, true));
  const outs = [ws.alloc(x.shape.slice()), ws.alloc([I, width]), ws.alloc([u, width])];
  if (a.bias) outs.push(ws.alloc([width]));
  const dStates = a.initialState ? [pass.dh, ...(a.cell === 'lstm' ? [pass.dc] : [])] : [];
  for (let i = 0; i < dStates.length; i++) outs.push(ws.alloc([B, u]));
  // Every allocation is done: views stay valid from here.
  const [dx, dW, dU, ...rest] = outs.map((t) => ws.io.view(t)) as [Float32Array, Float32Array, Float32Array, ...Float32Array[]];
  scatterInput(ws.io.read(dxRows), dx, dims, a.goBackwards);
  transposeInto(ws.io.read(dWt), width, I, dW);
  transposeInto(ws.io.read(dUt), width, u, dU);
  if (a.bias) rowSums(ws.io.read(dzT), width, T * B, rest.shift()!);
  dStates.forEach((d, i) => rest[i]!.set(d));
  return outs.map((t) => ws.keep(t));
}

/** Runs the cell's backward loop (which fills dz and the initial states' gradients). */
function runCell(p: BackwardPass, a: RecurrentAttrs): void {
  const { ws, recurrent } = p;
  const u = p.dims.units;
  if (a.cell === 'gru') gruBackward(p, { zr: columnsTensor(ws, recurrent, 0, 2 * u, true), h: columnsTensor(ws, recurrent, 2 * u, u, true) });
  else if (a.cell === 'lstm') lstmBackward(p, columnsTensor(ws, recurrent, 0, 4 * u, true));
  else simpleBackward(p, columnsTensor(ws, recurrent, 0, u, true));
}

/** dUᵀ [G·u, u] = dzᵀ · h; GRU: dU_zrᵀ = dz_zrᵀ · h and dU_hᵀ = dz_hᵀ · (r ⊙ h), row blocks of dzᵀ. */
function recurrentWeightGrad(p: BackwardPass, a: RecurrentAttrs, dzT: Info): Info {
  const { ws, layout } = p;
  const { batch: B, steps: T, units: u } = p.dims;
  const rows = T * B;
  const states = rowsTensor(ws, p.tape, layout.h, rows, u);
  if (a.cell !== 'gru') return ws.product(dzT, states);
  const zr = ws.product(rowsTensor(ws, dzT, 0, 2 * u, rows), states);
  const h = ws.product(rowsTensor(ws, dzT, 2 * u * rows, u, rows), rowsTensor(ws, p.tape, layout.extra, rows, u));
  const dUt = ws.alloc([3 * u, u]);
  const out = ws.io.view(dUt);
  out.set(ws.io.read(zr));
  out.set(ws.io.read(h), 2 * u * u);
  return dUt;
}

/** `rows` × `cols` floats of `src` (the tape, dzᵀ) from offset `at`, as a new [rows, cols] tensor. */
function rowsTensor(ws: Workspace, src: Info, at: number, rows: number, cols: number): Info {
  const out = ws.alloc([rows, cols]);
  ws.io.view(out).set(ws.io.view(src).subarray(at, at + rows * cols));
  return out;
}

/** `m` [rows, cols] transposed into `out` [cols, rows]. */
function transposeInto(m: ArrayLike<number>, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
}

/** Row sums of a [rows, cols] matrix, accumulated in float64 (as tfjs's cpu Sum) and rounded. */
function rowSums(m: ArrayLike<number>, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = r * cols; c < (r + 1) * cols; c++) acc += m[c]!;
    out[r] = acc;
  }
}
