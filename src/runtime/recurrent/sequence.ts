/**
 * Between the layer's batch-major sequences [B, T, ·] and the kernels' time-major rows in
 * processing order (row s·B + b is sample b at time step s, reversed with `goBackwards`).
 */
import type { tf } from '../tf.js';
import { timeOf, type Dims } from './spec.js';
import type { Workspace } from './workspace.js';

type Info = tf.TensorInfo;

/**
 * x [B, T, I] as a new time-major tensor: [T·B, I], or with `transpose` [I, T·B] (the left
 * operand of the kernel's gradient, xᵀ · dz).
 */
export function timeMajorInput(ws: Workspace, x: Info, dims: Dims, goBackwards: boolean, transpose: boolean): Info {
  const { batch: B, steps: T, features: I } = dims;
  const rows = T * B;
  const out = ws.alloc(transpose ? [I, rows] : [rows, I]);
  const src = ws.io.read(x);
  const dst = ws.io.view(out);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    for (let b = 0; b < B; b++) {
      const from = (b * T + t) * I;
      const row = s * B + b;
      if (transpose) for (let i = 0; i < I; i++) dst[i * rows + row] = src[from + i]!;
      else for (let i = 0; i < I; i++) dst[row * I + i] = src[from + i]!;
    }
  }
  return out;
}

/** Writes the time-major rows `rows` [T·B, I] into `x` [B, T, I] at their time steps. */
export function scatterInput(rows: ArrayLike<number>, x: Float32Array, dims: Dims, goBackwards: boolean): void {
  const { batch: B, steps: T, features: I } = dims;
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    for (let b = 0; b < B; b++) {
      const from = (s * B + b) * I;
      const to = (b * T + t) * I;
      for (let i = 0; i < I; i++) x[to + i] = rows[from + i]!;
    }
  }
}

/**
 * The layer's output from the tape's states (h[s+1] at offset `at + (s+1)·B·u`): every step
 * [B, T, u] in processing order (tfjs stacks them so, reversed or not), or the last [B, u].
 */
export function writeOutput(tape: ArrayLike<number>, at: number, y: Float32Array, dims: Dims, returnSequences: boolean): void {
  const { batch: B, steps: T, units: u } = dims;
  if (!returnSequences) {
    const last = at + T * B * u;
    for (let k = 0; k < B * u; k++) y[k] = tape[last + k]!;
    return;
  }
  for (let s = 0; s < T; s++) {
    for (let b = 0; b < B; b++) {
      const from = at + ((s + 1) * B + b) * u;
      const to = (b * T + s) * u;
      for (let j = 0; j < u; j++) y[to + j] = tape[from + j]!;
    }
  }
}
