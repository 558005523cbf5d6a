/**
 * The LSTM cell of tfjs-layers 4.22 (`LSTMCell.call`) over a whole sequence, forward and
 * backward. Per step, with gates in Keras order i, f, c, o and σ the recurrent activation:
 *
 *   z = (x·W + h·U) + b;  i = σ(z_i);  f = σ(z_f);  ĉ = act(z_c);  o = σ(z_o)
 *   c' = f ⊙ c + i ⊙ ĉ;  h' = o ⊙ act(c')
 *
 * Every elementwise op is rounded to float32 in tfjs's order; the backward pass forms the
 * same products tfjs's gradients form (so NaN and ±∞ spread the same way).
 */
import type { tf } from '../tf.js';
import { through } from './activations.js';
import { addStepGradient, forwardSteps, recordStep, type BackwardPass, type ForwardPass } from './pass.js';

const f = Math.fround;

/** Runs the forward loop: fills the tape's h, c, gate activations and derivatives. */
export function lstmForward(p: ForwardPass): void {
  const { layout: L, bias, act, gate } = p;
  const { batch: B, units: u } = p.dims;
  const G = 4 * u;
  forwardSteps(p, (s, { tape, xp, r, next }) => {
    for (let b = 0; b < B; b++) {
      const at = (s * B + b) * G;
      const z = L.act + at;
      for (let k = 0; k < G; k++) {
        const v = f(xp[at + k]! + r[b * G + k]!);
        tape[z + k] = bias === null ? v : f(v + bias[k]!);
      }
      gate.apply(tape, z, tape, z, tape, L.deriv + at, 2 * u);
      act.apply(tape, z + 2 * u, tape, z + 2 * u, tape, L.deriv + at + 2 * u, u);
      gate.apply(tape, z + 3 * u, tape, z + 3 * u, tape, L.deriv + at + 3 * u, u);
      const e = (s * B + b) * u;
      const cPrev = L.c + e;
      const cOut = cPrev + B * u;
      for (let j = 0; j < u; j++) tape[cOut + j] = f(f(tape[z + u + j]! * tape[cPrev + j]!) + f(tape[z + j]! * tape[z + 2 * u + j]!));
      act.apply(tape, cOut, tape, L.extra + e, tape, L.extraDeriv + e, u);
      const hOut = L.h + e + B * u;
      for (let j = 0; j < u; j++) next[b * u + j] = tape[hOut + j] = f(tape[z + 3 * u + j]! * tape[L.extra + e + j]!);
    }
  });
}

/**
 * Runs the backward loop (last step first): records the gates' pre-activation gradients
 * and leaves in `dh`/`dc` the gradients of the initial states. `ut` is the
 * recurrent kernel transposed [4u, u] (dh_prev = dz · Uᵀ).
 */
export function lstmBackward(p: BackwardPass, ut: tf.TensorInfo): void {
  const { ws, layout: L, act, gate, dh, dc } = p;
  const { batch: B, steps: T, units: u } = p.dims;
  const G = 4 * u;
  const op = ws.alloc([B, G]);
  const P = ws.alloc([B, u]);
  const tape = ws.io.read(p.tape);
  const dy = ws.io.read(p.dy);
  const left = ws.io.view(op);
  const prev = ws.io.read(P);
  for (let s = T - 1; s >= 0; s--) {
    if (p.returnSequences) addStepGradient(dh, dy, s, p.dims);
    for (let b = 0; b < B; b++) {
      const zRow = (s * B + b) * G;
      const aRow = L.act + zRow;
      const dRow = L.deriv + zRow;
      const eRow = (s * B + b) * u;
      const cPrev = L.c + eRow;
      for (let j = 0; j < u; j++) {
        const k = b * u + j;
        const g = dh[k]!;
        const i = tape[aRow + j]!, fg = tape[aRow + u + j]!, cc = tape[aRow + 2 * u + j]!, o = tape[aRow + 3 * u + j]!;
        const dzo = through(f(g * tape[L.extra + eRow + j]!), tape[dRow + 3 * u + j]!, gate.grad);
        const dcs = f(dc[k]! + through(f(g * o), tape[L.extraDeriv + eRow + j]!, act.grad));
        const dzi = through(f(dcs * cc), tape[dRow + j]!, gate.grad);
        const dzf = through(f(dcs * tape[cPrev + j]!), tape[dRow + u + j]!, gate.grad);
        const dzc = through(f(dcs * i), tape[dRow + 2 * u + j]!, act.grad);
        dc[k] = f(dcs * fg);
        const at = b * G + j;
        left[at] = dzi;
        left[at + u] = dzf;
        left[at + 2 * u] = dzc;
        left[at + 3 * u] = dzo;
      }
    }
    recordStep(p, s, left, G, 0);
    ws.productInto(op, ut, P);
    dh.set(prev);
  }
}
