/**
 * The SimpleRNN cell of tfjs-layers 4.22 (`SimpleRNNCell.call`) over a whole sequence,
 * forward and backward: h' = act((x·W + b) + h·U), rounded to float32 in tfjs's order.
 */
import type { tf } from '../tf.js';
import { through } from './activations.js';
import { addStepGradient, forwardSteps, recordStep, type BackwardPass, type ForwardPass } from './pass.js';

const f = Math.fround;

/** Runs the forward loop: fills the tape's h and derivatives. */
export function simpleForward(p: ForwardPass): void {
  const { layout: L, bias, act } = p;
  const { batch: B, units: u } = p.dims;
  const n = B * u;
  forwardSteps(p, (s, { tape, xp, r, next }) => {
    const row = s * n;
    const h = L.h + row + n;
    for (let b = 0; b < B; b++) {
      for (let j = 0, k = b * u; j < u; j++, k++) tape[h + k] = f((bias === null ? xp[row + k]! : f(xp[row + k]! + bias[j]!)) + r[k]!);
    }
    act.apply(tape, h, tape, h, tape, L.deriv + row, n);
    next.set(tape.subarray(h, h + n));
  });
}

/**
 * Runs the backward loop (last step first): records dz and leaves in `dh` the gradient of the
 * initial state. `ut` is the recurrent kernel transposed [u, u].
 */
export function simpleBackward(p: BackwardPass, ut: tf.TensorInfo): void {
  const { ws, layout: L, act, dh } = p;
  const { batch: B, steps: T, units: u } = p.dims;
  const op = ws.alloc([B, u]);
  const P = ws.alloc([B, u]);
  const tape = ws.io.read(p.tape);
  const dy = ws.io.read(p.dy);
  const left = ws.io.view(op);
  const prev = ws.io.read(P);
  const kind = act.grad;
  for (let s = T - 1; s >= 0; s--) {
    if (p.returnSequences) addStepGradient(dh, dy, s, p.dims);
    const row = s * B * u;
    for (let k = 0; k < B * u; k++) left[k] = through(dh[k]!, tape[L.deriv + row + k]!, kind);
    recordStep(p, s, left, u, 0);
    ws.productInto(op, ut, P);
    dh.set(prev);
  }
}
