/**
 * The forward kernel of a fused recurrent layer: the whole sequence in one dispatch. The
 * input projection x·W of every step is one product ([T·B, I]·[I, G·u]); each step then
 * does its recurrent product(s) with the backend's kernel and the cell's elementwise work
 * in a host loop, keeping on the tape what the backward kernel needs.
 */
import type { tf } from '../tf.js';
import { hostActivation } from './activations.js';
import { gruForward } from './gru.js';
import { lstmForward } from './lstm.js';
import { columnsTensor, type ForwardPass } from './pass.js';
import { timeMajorInput, writeOutput } from './sequence.js';
import { simpleForward } from './simple.js';
import { dimsOf, tapeLayout, type RecurrentAttrs } from './spec.js';
import type { Workspace } from './workspace.js';

type Info = tf.TensorInfo;

/** The registry name of the forward kernel. */
export const FORWARD_KERNEL = 'GclipRecurrentForward';

/**
 * Inputs as `RecurrentAttrs` lists them; outputs [y, tape]: y is [B, u] (the last state) or
 * [B, T, u] (`returnSequences`), the tape is laid out by `tapeLayout`.
 */
export function recurrentForward(inputs: readonly Info[], a: RecurrentAttrs, ws: Workspace): Info[] {
  const [x, kernel, recurrent] = inputs as [Info, Info, Info];
  let next = 3;
  const bias = a.bias ? inputs[next++]! : null;
  const h0 = a.initialState ? inputs[next++]! : null;
  const c0 = a.initialState && a.cell === 'lstm' ? inputs[next++]! : null;
  const dims = dimsOf(x.shape, recurrent.shape);
  const { batch: B, steps: T, units: u } = dims;
  const layout = tapeLayout(a.cell, dims);
  const tape = ws.alloc([layout.size]);
  const y = ws.alloc(a.returnSequences ? [B, T, u] : [B, u]);
  const state = ws.alloc([B, u]);
  const xs = timeMajorInput(ws, x, dims, a.goBackwards, false);
  const xp = ws.product(xs, kernel);
  ws.free(xs);
  const gru = a.cell === 'gru' ? { zr: columnsTensor(ws, recurrent, 0, 2 * u, false), h: columnsTensor(ws, recurrent, 2 * u, u, false) } : null;
  // Every allocation is done: views taken from here on stay valid until the step loop.
  const values = ws.io.view(tape);
  // Without initial states tfjs starts from zeros (wasm allocations are not zeroed).
  if (h0) values.set(ws.io.read(h0), layout.h);
  else values.fill(0, layout.h, layout.h + B * u);
  if (c0) values.set(ws.io.read(c0), layout.c);
  else if (a.cell === 'lstm') values.fill(0, layout.c, layout.c + B * u);
  ws.io.view(state).set(values.subarray(layout.h, layout.h + B * u));
  const pass: ForwardPass = {
    ws, dims, layout, tape, xp, recurrent, state,
    bias: bias ? Float32Array.from(ws.io.read(bias)) : null,
    act: hostActivation(a.activation, ws.backend),
    gate: hostActivation(a.cell === 'simple' ? a.activation : a.recurrentActivation, ws.backend),
  };
  if (gru) gruForward(pass, gru);
  else if (a.cell === 'lstm') lstmForward(pass);
  else simpleForward(pass);
  writeOutput(ws.io.read(tape), layout.h, ws.io.view(y), dims, a.returnSequences);
  return [ws.keep(y), ws.keep(tape)];
}
