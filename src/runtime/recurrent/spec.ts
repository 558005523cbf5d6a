/**
 * What a fused recurrent layer computes (its attributes) and where the forward pass keeps
 * what the backward pass needs (the tape: one float32 tensor, laid out here).
 */

/** The three cells of tfjs-layers the kernels implement. */
export type CellKind = 'simple' | 'lstm' | 'gru';

/** Gate blocks per cell: the width of the kernels is `gates · units`. */
export const GATES: Readonly<Record<CellKind, number>> = { simple: 1, lstm: 4, gru: 3 };

/**
 * The attributes of one fused layer call (kernel attributes: plain data).
 * Inputs are x [batch, time, features], kernel [features, G·units], recurrent kernel
 * [units, G·units], then the bias [G·units] when `bias`, then the initial states when
 * `initialState` (h, and c for an LSTM; [batch, units] each).
 */
export interface RecurrentAttrs {
  readonly cell: CellKind;
  /** tfjs-layers class name of the activation (`tanh`, …); see `hostActivation`. */
  readonly activation: string;
  /** Of the gates (LSTM, GRU); ignored by SimpleRNN. */
  readonly recurrentActivation: string;
  readonly bias: boolean;
  readonly initialState: boolean;
  /** Process time steps last to first; outputs stay in processing order (as tfjs). */
  readonly goBackwards: boolean;
  /** Output every step's state [batch, time, units], else the last [batch, units]. */
  readonly returnSequences: boolean;
}

/** Sizes of one call: batch B, time steps T, features I, units u. */
export interface Dims {
  readonly batch: number;
  readonly steps: number;
  readonly features: number;
  readonly units: number;
}

/**
 * Offsets (in floats) of the tape's parts, all time-major in processing order s:
 * - `h`: [T+1, B, u] states, h[0] the initial one, h[s+1] the output of step s.
 * - `c`: [T+1, B, u] LSTM cell states (else empty).
 * - `act`: [T, B, G·u] gate activations (LSTM i, f, ĉ, o; GRU z, r, h̃; SimpleRNN none).
 * - `deriv`: [T, B, G·u] each gate's local derivative (see `HostActivation.d`).
 * - `extra`: [T, B, u] LSTM tanh(c); GRU r ⊙ h (the left operand of the second product).
 * - `extraDeriv`: [T, B, u] LSTM derivative of tanh(c) (else empty).
 */
export interface TapeLayout {
  readonly h: number;
  readonly c: number;
  readonly act: number;
  readonly deriv: number;
  readonly extra: number;
  readonly extraDeriv: number;
  readonly size: number;
}

/** The tape layout of `cell` for `dims`. */
export function tapeLayout(cell: CellKind, dims: Dims): TapeLayout {
  const { batch: B, steps: T, units: u } = dims;
  const state = (T + 1) * B * u;
  const gates = T * B * GATES[cell] * u;
  const perStep = T * B * u;
  const h = 0;
  const c = h + state;
  const act = c + (cell === 'lstm' ? state : 0);
  const deriv = act + (cell === 'simple' ? 0 : gates);
  const extra = deriv + gates;
  const extraDeriv = extra + (cell === 'simple' ? 0 : perStep);
  const size = extraDeriv + (cell === 'lstm' ? perStep : 0);
  return { h, c, act, deriv, extra, extraDeriv, size };
}

/** Dims of a call from the shapes of x [B, T, I] and the recurrent kernel [u, G·u]. */
export function dimsOf(x: readonly number[], recurrentKernel: readonly number[]): Dims {
  return { batch: x[0]!, steps: x[1]!, features: x[2]!, units: recurrentKernel[0]! };
}

/** The time index of processing step s. */
export function timeOf(s: number, steps: number, goBackwards: boolean): number {
  return goBackwards ? steps - 1 - s : s;
}
