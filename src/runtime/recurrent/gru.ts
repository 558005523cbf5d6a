/**
 * The GRU cell of tfjs-layers 4.22 (`GRUCell.call`, reset gate applied before the
 * recurrent product: Keras `reset_after=false`, the only variant tfjs has) over a whole
 * sequence, forward and backward. Gates in Keras order z, r, h̃; U = [U_zr | U_h]:
 *
 *   m = x·W + b;  z = σ(m_z + (h·U_zr)_z);  r = σ(m_r + (h·U_zr)_r)
 *   h̃ = act(m_h + (r ⊙ h)·U_h);  h' = z ⊙ h + (1 − z) ⊙ h̃
 *
 * Two products per step each way; elementwise ops rounded to float32 in tfjs's order, and
 * the gradient of h summed in the order of tfjs's tape: ((dy + z⊙g) + r⊙(dq·U_hᵀ)) + dz·U_zrᵀ.
 */
import type { tf } from '../tf.js';
import { through } from './activations.js';
import { addStepGradient, recordStep, type BackwardPass, type ForwardPass } from './pass.js';

type Info = tf.TensorInfo;
const f = Math.fround;

/** The recurrent kernel's two blocks as the loops use them. */
export interface GruKernels {
  /** Forward: U_zr [u, 2u], U_h [u, u]; backward: their transposes [2u, u], [u, u]. */
  readonly zr: Info;
  readonly h: Info;
}

/** Runs the forward loop: fills the tape's h, gate activations, derivatives and r ⊙ h. */
export function gruForward(p: ForwardPass, k: GruKernels): void {
  const { ws, layout: L, bias, act, gate } = p;
  const { batch: B, steps: T, units: u } = p.dims;
  const G = 3 * u;
  const rh = ws.alloc([B, u]);
  const R = ws.alloc([B, 2 * u]);
  const Q = ws.alloc([B, u]);
  const tape = ws.io.view(p.tape);
  const xp = ws.io.read(p.xp);
  const r = ws.io.read(R);
  const q = ws.io.read(Q);
  const left = ws.io.view(rh);
  const next = ws.io.view(p.state);
  for (let s = 0; s < T; s++) {
    ws.productInto(p.state, k.zr, R);
    for (let b = 0; b < B; b++) {
      const at = (s * B + b) * G;
      const z = L.act + at;
      for (let c = 0; c < 2 * u; c++) tape[z + c] = f((bias === null ? xp[at + c]! : f(xp[at + c]! + bias[c]!)) + r[b * 2 * u + c]!);
      gate.apply(tape, z, tape, z, tape, L.deriv + at, 2 * u);
      const e = (s * B + b) * u;
      for (let j = 0; j < u; j++) left[b * u + j] = tape[L.extra + e + j] = f(tape[z + u + j]! * tape[L.h + e + j]!);
    }
    ws.productInto(rh, k.h, Q);
    for (let b = 0; b < B; b++) {
      const at = (s * B + b) * G;
      const z = L.act + at;
      const hh = z + 2 * u;
      for (let j = 0; j < u; j++) tape[hh + j] = f((bias === null ? xp[at + 2 * u + j]! : f(xp[at + 2 * u + j]! + bias[2 * u + j]!)) + q[b * u + j]!);
      act.apply(tape, hh, tape, hh, tape, L.deriv + at + 2 * u, u);
      const hPrev = L.h + (s * B + b) * u;
      for (let j = 0; j < u; j++) {
        const zg = tape[z + j]!;
        next[b * u + j] = tape[hPrev + B * u + j] = f(f(zg * tape[hPrev + j]!) + f(f(1 - zg) * tape[hh + j]!));
      }
    }
  }
}

/**
 * Runs the backward loop (last step first): records dz and leaves in `dh` the gradient of the
 * initial state. `k` holds the transposed blocks. The gradient of h that bypasses the
 * product by U_zrᵀ (z ⊙ dh, then + r ⊙ dq·U_hᵀ) is summed in the pass's second state
 * buffer `dc`, which a GRU has no cell state for.
 */
export function gruBackward(p: BackwardPass, k: GruKernels): void {
  const { ws, layout: L, act, gate, dh, dc: partial } = p;
  const { batch: B, steps: T, units: u } = p.dims;
  const G = 3 * u;
  const dq = ws.alloc([B, u]);
  const dzr = ws.alloc([B, 2 * u]);
  const Drh = ws.alloc([B, u]);
  const Dh = ws.alloc([B, u]);
  const tape = ws.io.read(p.tape);
  const dy = ws.io.read(p.dy);
  const left = ws.io.view(dq);
  const zr = ws.io.view(dzr);
  const drh = ws.io.read(Drh);
  const dhc = ws.io.read(Dh);
  if (p.returnSequences) addStepGradient(dh, dy, T - 1, p.dims);
  for (let s = T - 1; s >= 0; s--) {
    for (let b = 0; b < B; b++) {
      const zRow = (s * B + b) * G;
      const hPrev = L.h + (s * B + b) * u;
      for (let j = 0; j < u; j++) {
        const g = dh[b * u + j]!;
        const z = tape[L.act + zRow + j]!, hh = tape[L.act + zRow + 2 * u + j]!, hp = tape[hPrev + j]!;
        const dzTotal = f(f(g * hp) - f(g * hh));
        partial[b * u + j] = f(g * z);
        left[b * u + j] = through(f(g * f(1 - z)), tape[L.deriv + zRow + 2 * u + j]!, act.grad);
        zr[b * 2 * u + j] = through(dzTotal, tape[L.deriv + zRow + j]!, gate.grad);
      }
    }
    recordStep(p, s, left, u, 2 * u);
    if (p.returnSequences && s > 0) addStepGradient(partial, dy, s - 1, p.dims);
    ws.productInto(dq, k.h, Drh);
    for (let b = 0; b < B; b++) {
      const zRow = (s * B + b) * G;
      const hPrev = L.h + (s * B + b) * u;
      for (let j = 0; j < u; j++) {
        const g = drh[b * u + j]!;
        const rg = tape[L.act + zRow + u + j]!;
        zr[b * 2 * u + u + j] = through(f(g * tape[hPrev + j]!), tape[L.deriv + zRow + u + j]!, gate.grad);
        partial[b * u + j] = f(partial[b * u + j]! + f(g * rg));
      }
    }
    recordStep(p, s, zr, 2 * u, 0);
    ws.productInto(dzr, k.zr, Dh);
    for (let i = 0; i < dh.length; i++) dh[i] = f(partial[i]! + dhc[i]!);
  }
}
