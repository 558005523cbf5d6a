/**
 * The element loops of gclip's host kernels as WebAssembly SIMD on the wasm backend's own
 * memory (issue #22: on the 100k–1M MLPs the JS loops were a visible share of a step's CPU):
 * - `sums`: Σg² and Σw of a gradient and its weight (the fused step's norms and checksum) in
 *   the eight float64 accumulators of `stepNormsL2` (`norm-clip-pack.ts`): element 4i + j goes
 *   to accumulator j of each sum, exactly as there (f64x2 lanes are float64 ops, and a float32
 *   squared is exact in float64), so every accumulator sees the same terms in the same order;
 * - `scale`: dst = fl(src · c) (`scaleInto`; f32x4.mul is the correctly rounded product);
 * - `transpose`: a [rows, cols] float32 matrix transposed in 4×4 tiles (moves bits only),
 *   for `BatchMatMul`'s transposed operands (`batch-mat-mul.ts`), ~5–10× the JS loop's speed.
 * Each helper returns false (the caller runs its JS loop) for arrays that are not views of
 * the memory, or where the engine has no WebAssembly SIMD.
 */
import {
  BLOCK, body, BR_IF, END, EMPTY, F32, F32_MUL, F32X4_MUL, F32X4_SPLAT, F64X2_ADD, F64X2_MUL, F64X2_PROMOTE_LOW, f64x2Lane, GET, GLOBAL_SET, HIGH_HALF, I32,
  i32, I32_ADD, I32_AND, I32_GE_U, I32_LT_U, I32_MUL, LOAD, LOOP, MEM, SELECT, memoryModule, perMemory, SET, shuffle, STORE, TEE, V128, V128_LOAD, V128_STORE,
} from './wasm-encode.js';

const get = (i: number) => [GET, i];
/** `do { step } while ((k += stride) < end)` on the i32 local `k`, skipped when k ≥ end. */
const loop = (k: number, end: number[], stride: number, step: number[]) => [
  BLOCK, EMPTY, ...get(k), ...end, I32_GE_U, BR_IF, 0, LOOP, EMPTY, ...step, ...get(k), ...i32(stride), I32_ADD, TEE, k, ...end, I32_LT_U, BR_IF, 0, END, END,
];

/** The accumulators' globals: Σg² in a…d, Σw in e…h (`stepNormsL2`'s names). */
const SUMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** sums(g, w, bytes): the groups of four of the first `bytes` (a multiple of 16). Locals: k, then v128 (a,b), (c,d), (e,f), (g,h), x, t. */
function sumsBody(): number[] {
  const [G, W, BYTES, K, AB, CD, EF, GH, X, T] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const half = (high: boolean) => [...get(X), ...(high ? [...get(X), ...HIGH_HALF] : []), ...F64X2_PROMOTE_LOW];
  const square = (acc: number, high: boolean) => [...get(acc), ...half(high), TEE, T, ...get(T), ...F64X2_MUL, ...F64X2_ADD, SET, acc];
  const add = (acc: number, high: boolean) => [...get(acc), ...half(high), ...F64X2_ADD, SET, acc];
  const step = [
    ...get(G), ...get(K), I32_ADD, ...V128_LOAD, SET, X, ...square(AB, false), ...square(CD, true),
    ...get(W), ...get(K), I32_ADD, ...V128_LOAD, SET, X, ...add(EF, false), ...add(GH, true),
  ];
  const out = [AB, CD, EF, GH].flatMap((acc, i) => [0, 1].flatMap((lane) => [...get(acc), ...f64x2Lane(lane), GLOBAL_SET, 2 * i + lane]));
  return body([[1, I32], [6, V128]], [...loop(K, get(BYTES), 16, step), ...out, END]);
}

/** scale(src, dst, bytes, c): dst = src · c, four at a time, then one at a time. Locals: k, the SIMD end, c splatted. */
function scaleBody(): number[] {
  const [SRC, DST, BYTES, C, K, VEND, VC] = [0, 1, 2, 3, 4, 5, 6];
  const at = (base: number) => [...get(base), ...get(K), I32_ADD];
  return body([[2, I32], [1, V128]], [
    ...get(C), ...F32X4_SPLAT, SET, VC, ...get(BYTES), ...i32(-16), I32_AND, SET, VEND,
    ...loop(K, get(VEND), 16, [...at(DST), ...at(SRC), ...V128_LOAD, ...get(VC), ...F32X4_MUL, ...V128_STORE]),
    ...loop(K, get(BYTES), 4, [...at(DST), ...at(SRC), LOAD, ...MEM, ...get(C), F32_MUL, STORE, ...MEM]),
    END,
  ]);
}

/** Byte indices of `i8x16.shuffle` picking the 32-bit lanes `lanes` (0–3 the first operand, 4–7 the second). */
const lanes32 = (lanes: readonly number[]) => shuffle(lanes.flatMap((l) => [0, 1, 2, 3].map((b) => 4 * l + b)));

/**
 * transpose(src, dst, rows, cols), both multiples of 4: 4×4 tiles, in blocks of 16 rows so
 * that each column step writes whole 64-byte lines of `dst` (a sweep over all rows would
 * revisit every line of dst, rows × 4 bytes apart, four times). Locals: the block's first
 * row and its end, c, r, p (the tile's source address), q (its destination), the two row
 * strides in bytes, a0…a3, t0…t3.
 */
function transposeBody(): number[] {
  const [SRC, DST, ROWS, COLS, R0, REND, C, R, P, Q, RB, CB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const A = [12, 13, 14, 15], T = [16, 17, 18, 19];
  const plus = (base: number, times: number, stride: number) => [...get(base), ...(times ? [...get(stride), ...i32(times), I32_MUL, I32_ADD] : [])];
  const address = (base: number, major: number, stride: number, minor: number) => [...get(base), ...get(major), ...get(stride), I32_MUL, I32_ADD, ...get(minor), ...i32(4), I32_MUL, I32_ADD];
  const pair = (x: number, y: number, l: readonly number[]) => [...get(x), ...get(y), ...lanes32(l)];
  const tile = [
    ...address(SRC, R, RB, C), SET, P, ...address(DST, C, CB, R), SET, Q,
    ...A.flatMap((a, i) => [...plus(P, i, RB), ...V128_LOAD, SET, a]),
    ...pair(A[0]!, A[1]!, [0, 4, 1, 5]), SET, T[0]!, ...pair(A[0]!, A[1]!, [2, 6, 3, 7]), SET, T[1]!,
    ...pair(A[2]!, A[3]!, [0, 4, 1, 5]), SET, T[2]!, ...pair(A[2]!, A[3]!, [2, 6, 3, 7]), SET, T[3]!,
    ...([[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]] as const).flatMap(([x, y, l], i) => [
      ...plus(Q, i, CB), ...pair(T[x]!, T[y]!, l), ...V128_STORE,
    ]),
  ];
  const column = [...get(R0), SET, R, ...loop(R, get(REND), 4, tile)];
  const block = [
    // rEnd = min(r0 + 16, rows)
    ...get(R0), ...i32(16), I32_ADD, ...get(ROWS), ...get(R0), ...i32(16), I32_ADD, ...get(ROWS), I32_LT_U, SELECT, SET, REND,
    ...i32(0), SET, C, ...loop(C, get(COLS), 4, column),
  ];
  return body([[8, I32], [8, V128]], [...get(COLS), ...i32(4), I32_MUL, SET, RB, ...get(ROWS), ...i32(4), I32_MUL, SET, CB, ...loop(R0, get(ROWS), 16, block), END]);
}

type Exports = { sums(g: number, w: number, bytes: number): void; scale(src: number, dst: number, bytes: number, c: number): void; transpose(src: number, dst: number, rows: number, cols: number): void } & Record<string, WebAssembly.Global>;

const instance = perMemory<Exports>([
  () =>
    memoryModule(
      [
        { name: 'sums', params: [I32, I32, I32], body: sumsBody() },
        { name: 'scale', params: [I32, I32, I32, F32], body: scaleBody() },
        { name: 'transpose', params: [I32, I32, I32, I32], body: transposeBody() },
      ],
      SUMS,
    ),
]);

/** The SIMD loops on `memory`, or null where they cannot run (no memory, no WebAssembly SIMD). */
export interface HostLoops {
  /**
   * Adds to the eight accumulators `acc` (Σx² in 0–3, Σy in 4–7) the elements of x and y
   * (same length) as `stepNormsL2` does, groups of four and tail; false when they are not views of the memory.
   */
  sums(x: ArrayLike<number>, y: ArrayLike<number>, acc: Float64Array): boolean;
  /** dst[i] = fl(src[i] · c) for float32 `c`; false when the arrays are not views of the memory. */
  scale(src: ArrayLike<number>, c: number, dst: Float32Array): boolean;
  /** `src` as [rows, cols] transposed into `dst`; false (nothing written) unless both are multiples of 4 and views of the memory. */
  transpose(src: ArrayLike<number>, dst: Float32Array, rows: number, cols: number): boolean;
}

const made = new WeakMap<WebAssembly.Memory, HostLoops | null>();

/** The loops for the wasm backend's `memory` (null: none; the callers keep their JS loops). */
export function hostLoops(memory: WebAssembly.Memory | null): HostLoops | null {
  if (!memory) return null;
  if (!made.has(memory)) made.set(memory, loopsOn(memory));
  return made.get(memory)!;
}

function loopsOn(memory: WebAssembly.Memory): HostLoops | null {
  const ex = instance(memory);
  if (!ex) return null;
  const on = (...arrays: ArrayLike<number>[]) => arrays.every((a) => a instanceof Float32Array && a.buffer === memory.buffer);
  return {
    sums: (x, y, acc) => {
      if (!on(x, y)) return false;
      const n = x.length;
      const end = n - (n % 4);
      ex.sums((x as Float32Array).byteOffset, (y as Float32Array).byteOffset, 4 * end);
      for (let j = 0; j < 8; j++) acc[j] = acc[j]! + (ex[SUMS[j]!]!.value as number);
      for (let i = end; i < n; i++) {
        acc[0] = acc[0]! + x[i]! * x[i]!;
        acc[4] = acc[4]! + y[i]!;
      }
      return true;
    },
    scale: (src, c, dst) => {
      if (!on(src, dst)) return false;
      ex.scale((src as Float32Array).byteOffset, dst.byteOffset, 4 * dst.length, c);
      return true;
    },
    transpose: (src, dst, rows, cols) => {
      if (rows % 4 !== 0 || cols % 4 !== 0 || !on(src, dst)) return false;
      ex.transpose((src as Float32Array).byteOffset, dst.byteOffset, rows, cols);
      return true;
    },
  };
}
