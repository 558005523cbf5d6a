/**
 * The state of one forward or backward pass of a recurrent host kernel, shared by the three
 * cells' step loops, and the copies that lay tensors out for the backend's matrix products.
 *
 * On wasm every allocation may grow the heap and detach every view taken before it, so
 * the loops allocate their scratch tensors first, take their views, and then only call
 * `productInto`, which allocates nothing.
 */
import type { tf } from '../tf.js';
import type { HostActivation } from './activations.js';
import type { Dims, TapeLayout } from './spec.js';
import type { Workspace } from './workspace.js';

type Info = tf.TensorInfo;

/** What a cell's forward loop reads and writes. */
export interface ForwardPass {
  readonly ws: Workspace;
  readonly dims: Dims;
  readonly layout: TapeLayout;
  /** The tape (an output), with h[0] (and c[0]) already written. */
  readonly tape: Info;
  /** x·W for every step, time-major [T·B, G·u] (no bias). */
  readonly xp: Info;
  /** The recurrent kernel input [u, G·u]. */
  readonly recurrent: Info;
  /** [B, u] scratch holding h[0]: the left operand of the recurrent product, updated each step. */
  readonly state: Info;
  /** The bias [G·u], or null for a layer without one (then nothing is added). */
  readonly bias: Float32Array | null;
  /** The cell's activation, and its gates' (SimpleRNN: the same). */
  readonly act: HostActivation;
  readonly gate: HostActivation;
}

/** What a cell's backward loop reads and writes. */
export interface BackwardPass {
  readonly ws: Workspace;
  readonly dims: Dims;
  readonly layout: TapeLayout;
  readonly tape: Info;
  readonly recurrent: Info;
  /** The gradient of the output: [B, u], or [B, T, u] with `returnSequences`. */
  readonly dy: Info;
  readonly returnSequences: boolean;
  /** Gate pre-activation gradients, time-major [T·B, G·u], filled by the loop (`recordStep`). */
  readonly dz: Info;
  /** On entry the gradient of the last state; on exit that of h[0]. [B·u] */
  readonly dh: Float32Array;
  /** LSTM: the same for the cell state (zero on entry). GRU: scratch for its partial gradient of h. [B·u] */
  readonly dc: Float32Array;
  readonly act: HostActivation;
  readonly gate: HostActivation;
}

/** Views for the forward steps: the tape, x·W, the step's h·U and the next step's h. */
export interface StepViews {
  readonly tape: Float32Array;
  readonly xp: ArrayLike<number>;
  readonly r: ArrayLike<number>;
  readonly next: Float32Array;
}

/**
 * Runs `body` for each step s = 0 … T−1 after writing the product h·U (`p.state` ·
 * `p.recurrent`) into `r`; `body` writes the step's state into `next` and must not
 * allocate (the views are taken once).
 */
export function forwardSteps(p: ForwardPass, body: (s: number, v: StepViews) => void): void {
  const { ws } = p;
  const R = ws.alloc([p.dims.batch, p.recurrent.shape[1]!]);
  const views: StepViews = { tape: ws.io.view(p.tape), xp: ws.io.read(p.xp), r: ws.io.read(R), next: ws.io.view(p.state) };
  for (let s = 0; s < p.dims.steps; s++) {
    ws.productInto(p.state, p.recurrent, R);
    body(s, views);
  }
  ws.free(R);
}

/**
 * `cols` columns of the row-major [rows, width] `src` starting at column `from`, as a new
 * [rows, cols] tensor of `ws`; with `transpose`, as [cols, rows] (a product's left operand
 * transposed, or a weight matrix transposed once per call for the step loop).
 */
export function columnsTensor(ws: Workspace, src: Info, from: number, cols: number, transpose: boolean): Info {
  const [rows, width] = src.shape as [number, number];
  const out = ws.alloc(transpose ? [cols, rows] : [rows, cols]);
  const s = ws.io.read(src);
  const d = ws.io.view(out);
  for (let r = 0; r < rows; r++) {
    const base = r * width + from;
    if (transpose) for (let c = 0; c < cols; c++) d[c * rows + r] = s[base + c]!;
    else for (let c = 0; c < cols; c++) d[r * cols + c] = s[base + c]!;
  }
  return out;
}

/** Copies step s's gate gradients `src` [B, width] into columns from … from+width of dz's rows of that step. */
export function recordStep(p: BackwardPass, s: number, src: ArrayLike<number>, width: number, from: number): void {
  const B = p.dims.batch;
  const dz = p.ws.io.view(p.dz);
  const G = p.dz.shape[1]!;
  for (let b = 0; b < B; b++) {
    const row = (s * B + b) * G + from;
    for (let c = 0; c < width; c++) dz[row + c] = src[b * width + c]!;
  }
}

/** Adds `dy` of processing step `s` ([B, T, u], returnSequences) into `dh` (dy first, as tfjs's tape sums). */
export function addStepGradient(dh: Float32Array, dy: ArrayLike<number>, s: number, dims: Dims): void {
  const { batch: B, steps: T, units: u } = dims;
  for (let b = 0; b < B; b++) {
    const from = (b * T + s) * u;
    for (let j = 0; j < u; j++) dh[b * u + j] = Math.fround(dy[from + j]! + dh[b * u + j]!);
  }
}
