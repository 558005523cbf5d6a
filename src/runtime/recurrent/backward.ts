/**
 * The backward kernel of a fused recurrent layer (backpropagation through time). The
 * cell's loop runs the steps last to first with one or two products per step for the
 * gradient of the previous state; the weight and input gradients then come from one
 * product each over all steps: dW = xᵀ·dz, dU = hᵀ·dz, dx = dz·Wᵀ (tfjs sums per-step
 * products instead, so these differ from it in rounding only), db = Σ dz.
 */
import type { tf } from '../tf.js';
import { hostActivation } from './activations.js';
import { gruBackward } from './gru.js';
import { lstmBackward } from './lstm.js';
import { columnsTensor, tapeTransposed, type BackwardPass } from './pass.js';
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
  const { batch: B, steps: T, units: u } = dims;
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
  if (!a.returnSequences) pass.dh.set(ws.io.read(dy));
  const dU = recurrentGrads(pass, a);
  const dW = ws.product(timeMajorInput(ws, x, dims, a.goBackwards, true), pass.dz);
  const dxRows = ws.product(pass.dz, columnsTensor(ws, kernel, 0, width, true));
  const dx = ws.alloc(x.shape.slice());
  const outs = [dx, dW, dU];
  const db = a.bias ? ws.alloc([width]) : null;
  if (db) outs.push(db);
  const dStates = a.initialState ? [pass.dh, ...(a.cell === 'lstm' ? [pass.dc] : [])].map((d) => ({ d, t: ws.alloc([B, u]) })) : [];
  for (const { t } of dStates) outs.push(t);
  // Every allocation is done: views stay valid from here.
  scatterInput(ws.io.read(dxRows), ws.io.view(dx), dims, a.goBackwards);
  if (db) columnSums(ws.io.read(pass.dz), T * B, width, ws.io.view(db));
  for (const { d, t } of dStates) ws.io.view(t).set(d);
  return outs.map((t) => ws.keep(t));
}

/** Runs the cell's loop; returns dU. */
function recurrentGrads(p: BackwardPass, a: RecurrentAttrs): Info {
  const { ws, recurrent, dims, layout } = p;
  const { batch: B, steps: T, units: u } = dims;
  const states = (): Info => tapeTransposed(ws, p.tape, layout.h, T * B, u);
  if (a.cell !== 'gru') {
    const ut = columnsTensor(ws, recurrent, 0, GATES[a.cell] * u, true);
    if (a.cell === 'lstm') lstmBackward(p, ut);
    else simpleBackward(p, ut);
    return ws.product(states(), p.dz);
  }
  gruBackward(p, { zr: columnsTensor(ws, recurrent, 0, 2 * u, true), h: columnsTensor(ws, recurrent, 2 * u, u, true) });
  // dU_zr = hᵀ · dz_zr;  dU_h = (r ⊙ h)ᵀ · dz_h.
  const zr = ws.product(states(), columnsTensor(ws, p.dz, 0, 2 * u, false));
  const h = ws.product(tapeTransposed(ws, p.tape, layout.extra, T * B, u), columnsTensor(ws, p.dz, 2 * u, u, false));
  const dU = ws.alloc([u, 3 * u]);
  const out = ws.io.view(dU);
  const left = ws.io.read(zr);
  const right = ws.io.read(h);
  for (let i = 0; i < u; i++) {
    for (let j = 0; j < 2 * u; j++) out[i * 3 * u + j] = left[i * 2 * u + j]!;
    for (let j = 0; j < u; j++) out[i * 3 * u + 2 * u + j] = right[i * u + j]!;
  }
  return dU;
}

/** Column sums of a [rows, cols] matrix, accumulated in float64 (as tfjs's cpu Sum) and rounded. */
function columnSums(m: ArrayLike<number>, rows: number, cols: number, out: Float32Array): void {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) acc[c] = acc[c]! + m[r * cols + c]!;
  out.set(acc);
}
