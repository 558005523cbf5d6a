/**
 * The fused optimizer rules as small WebAssembly functions that run on the wasm backend's
 * own memory (issue #22). The JS rules (`optimizer-rules.ts`) do each float32 op in float64
 * and round it with `Math.fround`, two conversions per op; WebAssembly's f32 arithmetic is
 * IEEE single precision, each op correctly rounded — the very result `Math.fround` gives
 * for +, −, ×, ÷ and √ of float32 operands — so the same op sequences yield tfjs's values
 * bit for bit. The loops run four elements at a time in SIMD (`f32x4`: every lane is the
 * same correctly rounded op), the last n mod 4 in scalar f32: about a third of tfjs-wasm's
 * own SIMD kernels' cost (which make 14 passes over memory for Adam), a sixth of the JS
 * rules'. Σ(Δw)² and Σw² accumulate in float64 in element order, as in JS: lane by lane,
 * after each group of four is squared in f64x2.
 *
 * The module (a few hundred bytes) is encoded here rather than shipped as a file: it imports
 * the backend's `WebAssembly.Memory` (tfjs-backend-wasm keeps it at `wasm.asm.memory`), so
 * it reads and writes the tensors where they live, by byte offset, without a copy.
 */
import type { Apply } from './rule-apply.js';
import {
  BLOCK, body, BR_IF, F64, EMPTY, END, F32, F32_ADD, F32_DIV, F32_MUL, F32_SQRT, F32_SUB, F32X4_ADD, F32X4_DIV, F32X4_MUL, F32X4_SPLAT, F32X4_SQRT, F32X4_SUB,
  F64_ADD, F64_MUL, F64_PROMOTE, F64_SUB, F64_ZERO, F64X2_MUL, F64X2_PROMOTE_LOW, F64X2_SUB, f64x2Lane, GET, GLOBAL_SET, HIGH_HALF, I32, i32, I32_ADD,
  I32_AND, I32_GE_U, I32_LT_U, LOAD, LOOP, MEM, memoryModule, perMemory, SET, STORE, TEE, V128, V128_LOAD, V128_STORE, type WasmFunction,
} from './wasm-encode.js';

/**
 * Where a rule's function finds things. Parameters: byte offsets of w, g, the `slots` slot
 * inputs, wOut and the slot outputs, the byte length, then the rule's float32 constants
 * (`Rule.constants` order). Locals: the byte index k, the end of the SIMD part, the f32 and
 * v128 values of one element or four (`Lanes`), the float64 sums, and the constants splatted.
 */
class Frame {
  readonly params: number;
  constructor(readonly slots: number, readonly consts: number) {
    this.params = 2 * slots + 4 + consts;
  }
  get w() { return 0; }
  get g() { return 1; }
  slot(q: number) { return 2 + q; }
  get wOut() { return 2 + this.slots; }
  slotOut(q: number) { return 3 + this.slots + q; }
  get bytes() { return 3 + 2 * this.slots; }
  c(i: number) { return 4 + 2 * this.slots + i; }
  get k() { return this.params; }
  get vend() { return this.params + 1; }
  get du() { return this.params + 2; }
  get ww() { return this.params + 3; }
  get dw() { return this.params + 4; }
  /** The first of 5 f32 locals (scalar lanes), then of 6 + consts v128 locals (SIMD lanes). */
  get f32s() { return this.params + 5; }
  get v128s() { return this.params + 10; }
  locals(simd: boolean): Array<[number, number]> {
    return [[2, I32], [3, F64], [5, F32], ...(simd ? [[6 + this.consts, V128] as [number, number]] : [])];
  }
}

/**
 * One iteration's view of the frame: an element (f32 locals, scalar ops, 4 bytes) or four
 * (v128 locals, f32x4 ops, 16 bytes). A rule's body is written once against it.
 */
interface Lanes {
  readonly gi: number;
  readonly wi: number;
  readonly wo: number;
  t(i: number): number;
  /** Where constant i is: its parameter (scalar) or its splat (SIMD). */
  c(i: number): number;
  readonly d: number;
  readonly load: number[];
  readonly store: number[];
  readonly add: number[];
  readonly sub: number[];
  readonly mul: number[];
  readonly div: number[];
  readonly sqrt: number[];
}

function lanes(x: Frame, simd: boolean): Lanes {
  const base = simd ? x.v128s : x.f32s;
  const ops = simd
    ? { load: V128_LOAD, store: V128_STORE, add: F32X4_ADD, sub: F32X4_SUB, mul: F32X4_MUL, div: F32X4_DIV, sqrt: F32X4_SQRT }
    : { load: [LOAD, ...MEM], store: [STORE, ...MEM], add: [F32_ADD], sub: [F32_SUB], mul: [F32_MUL], div: [F32_DIV], sqrt: [F32_SQRT] };
  return { gi: base, wi: base + 1, wo: base + 2, t: (i) => base + 3 + i, c: (i) => (simd ? base + 6 + i : x.c(i)), d: base + 5, ...ops };
}

const get = (i: number) => [GET, i];
/** Pushes the address of element k of the array at parameter `base`. */
const at = (x: Frame, base: number) => [...get(base), ...get(x.k), I32_ADD];
const load = (x: Frame, l: Lanes, base: number) => [...at(x, base), ...l.load];
/** Stores the value `value` leaves on the stack into the array at `base`, keeping it in local `keep`. */
const store = (x: Frame, l: Lanes, base: number, value: number[], keep: number) => [...at(x, base), ...value, TEE, keep, ...l.store];

/** Adds the f64x2 `d` lanes 0 and 1 to the sum in local `sum`, in that order (element order). */
const addLanes = (sum: number, d: number) => [0, 1].flatMap((lane) => [...get(sum), ...get(d), ...f64x2Lane(lane), F64_ADD, SET, sum]);

/**
 * Σ(w' − w)² and Σw² of four elements, one element after the other as the scalar loop adds
 * them: each half of w' and w promoted to f64x2, subtracted and squared lane-wise.
 */
function vectorSums(x: Frame, v: Lanes): number[] {
  const half = (local: number, high: boolean) => [...get(local), ...(high ? [...get(local), ...HIGH_HALF] : []), ...F64X2_PROMOTE_LOW];
  return [false, true].flatMap((high) => [
    ...half(v.wo, high), ...half(v.wi, high), ...F64X2_SUB, TEE, v.d, ...get(v.d), ...F64X2_MUL, SET, v.d, ...addLanes(x.du, v.d),
  ]).concat([false, true].flatMap((high) => [...half(v.wi, high), TEE, v.d, ...get(v.d), ...F64X2_MUL, SET, v.d, ...addLanes(x.ww, v.d)]));
}

/** Σ(w' − w)² and Σw² of one element. */
function scalarSums(x: Frame, s: Lanes): number[] {
  return [
    ...get(x.du), ...get(s.wo), F64_PROMOTE, ...get(s.wi), F64_PROMOTE, F64_SUB, TEE, x.dw, ...get(x.dw), F64_MUL, F64_ADD, SET, x.du,
    ...get(x.ww), ...get(s.wi), F64_PROMOTE, ...get(s.wi), F64_PROMOTE, F64_MUL, F64_ADD, SET, x.ww,
  ];
}

/** `do { step } while ((k += stride) < end)`, skipped when k is already at `end`. */
function loop(x: Frame, end: number, stride: number, step: number[]): number[] {
  return [BLOCK, EMPTY, ...get(x.k), ...get(end), I32_GE_U, BR_IF, 0, LOOP, EMPTY, ...step, ...get(x.k), ...i32(stride), I32_ADD, TEE, x.k, ...get(end), I32_LT_U, BR_IF, 0, END, END];
}

/**
 * A rule's function: `body` loads what it needs (gi and wi are loaded before it), writes its
 * slots and leaves w' in the `wo` local; the loop around it writes w' and adds to the sums.
 * With `simd`, whole groups of four elements go through the f32x4 form first and the rest
 * (fewer than four) through the scalar one; every element gets the same operations either way.
 */
function fn(x: Frame, rule: (x: Frame, l: Lanes) => number[], simd: boolean): number[] {
  const [s, v] = [lanes(x, false), lanes(x, true)];
  const iteration = (l: Lanes, sums: number[]) => [...load(x, l, x.g), SET, l.gi, ...load(x, l, x.w), SET, l.wi, ...rule(x, l), ...at(x, x.wOut), ...get(l.wo), ...l.store, ...sums];
  const vector = simd
    ? [
        ...Array.from({ length: x.consts }, (_, i) => [...get(x.c(i)), ...F32X4_SPLAT, SET, v.c(i)]).flat(),
        ...get(x.bytes), ...i32(-16), I32_AND, SET, x.vend,
        ...loop(x, x.vend, 16, iteration(v, vectorSums(x, v))),
      ]
    : [];
  const code = [
    ...F64_ZERO, SET, x.du, ...F64_ZERO, SET, x.ww,
    ...vector,
    ...loop(x, x.bytes, 4, iteration(s, scalarSums(x, s))),
    ...get(x.du), GLOBAL_SET, 0, ...get(x.ww), GLOBAL_SET, 1,
    END,
  ];
  return body(x.locals(simd), code);
}

const g = (l: Lanes) => get(l.gi);
const c = (l: Lanes, i: number) => get(l.c(i));

/** Each function's frame and body, in tfjs-core 4.22's op order (see the JS rules). */
const FUNCTIONS: Record<string, { frame: Frame; body: (x: Frame, l: Lanes) => number[] }> = {
  // m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/(1−accβ1)) / (√(v'/(1−accβ2)) + ε) · (−lr) + w
  adam: {
    frame: new Frame(2, 8),
    body: (x, l) => [
      ...store(x, l, x.slotOut(0), [...load(x, l, x.slot(0)), ...c(l, 0), ...l.mul, ...g(l), ...c(l, 1), ...l.mul, ...l.add], l.t(0)),
      ...store(x, l, x.slotOut(1), [...load(x, l, x.slot(1)), ...c(l, 2), ...l.mul, ...g(l), ...g(l), ...l.mul, ...c(l, 3), ...l.mul, ...l.add], l.t(1)),
      ...get(l.t(0)), ...c(l, 4), ...l.div, ...get(l.t(1)), ...c(l, 5), ...l.div, ...l.sqrt, ...c(l, 6), ...l.add, ...l.div,
      ...c(l, 7), ...l.mul, ...get(l.wi), ...l.add, SET, l.wo,
    ],
  },
  // w' = c·g + w
  sgd: { frame: new Frame(0, 1), body: (_x, l) => [...c(l, 0), ...g(l), ...l.mul, ...get(l.wi), ...l.add, SET, l.wo] },
  // a' = m·a + g; w' = c·a' + w
  momentum: {
    frame: new Frame(1, 2),
    body: (x, l) => [
      ...store(x, l, x.slotOut(0), [...c(l, 0), ...load(x, l, x.slot(0)), ...l.mul, ...g(l), ...l.add], l.t(0)),
      ...c(l, 1), ...get(l.t(0)), ...l.mul, ...get(l.wi), ...l.add, SET, l.wo,
    ],
  },
  // a' = m·a + g; w' = c·(g + a'·m) + w
  nesterov: {
    frame: new Frame(1, 2),
    body: (x, l) => [
      ...store(x, l, x.slotOut(0), [...c(l, 0), ...load(x, l, x.slot(0)), ...l.mul, ...g(l), ...l.add], l.t(0)),
      ...c(l, 1), ...g(l), ...get(l.t(0)), ...c(l, 0), ...l.mul, ...l.add, ...l.mul, ...get(l.wi), ...l.add, SET, l.wo,
    ],
  },
  // ms' = ms·ρ + g²·(1−ρ); mom' = mom·μ + (g·lr) / √(ms' + ε); w' = w − mom'
  rmsprop: {
    frame: new Frame(2, 6),
    body: (x, l) => [
      ...meanSquare(x, l),
      ...moment(x, l, [...get(l.t(0)), ...c(l, 4), ...l.add, ...l.sqrt]),
    ],
  },
  // … mg' = mg·ρ + g·(1−ρ) and the denominator √(ms' − (mg'² + ε))
  rmspropCentered: {
    frame: new Frame(3, 6),
    body: (x, l) => [
      ...meanSquare(x, l),
      ...store(x, l, x.slotOut(2), [...load(x, l, x.slot(2)), ...c(l, 0), ...l.mul, ...g(l), ...c(l, 1), ...l.mul, ...l.add], l.t(1)),
      ...moment(x, l, [...get(l.t(0)), ...get(l.t(1)), ...get(l.t(1)), ...l.mul, ...c(l, 4), ...l.add, ...l.sub, ...l.sqrt]),
    ],
  },
};

/** RMSprop's ms' = ms·ρ + g²·(1−ρ), written to its slot and kept in t0. */
function meanSquare(x: Frame, l: Lanes): number[] {
  return store(x, l, x.slotOut(0), [...load(x, l, x.slot(0)), ...c(l, 0), ...l.mul, ...g(l), ...g(l), ...l.mul, ...c(l, 1), ...l.mul, ...l.add], l.t(0));
}

/** RMSprop's mom' = mom·μ + (g·lr) / denominator, written to its slot; w' = w − mom'. */
function moment(x: Frame, l: Lanes, denominator: number[]): number[] {
  return [
    ...store(x, l, x.slotOut(1), [...load(x, l, x.slot(1)), ...c(l, 2), ...l.mul, ...g(l), ...c(l, 3), ...l.mul, ...denominator, ...l.div, ...l.add], l.t(0)),
    ...get(l.wi), ...get(l.t(0)), ...l.sub, SET, l.wo,
  ];
}

/** The module: imports `env.memory`, exports each function and the f64 globals `du`, `ww` they leave their sums in. */
function rulesModule(simd: boolean): Uint8Array<ArrayBuffer> {
  const functions: WasmFunction[] = Object.entries(FUNCTIONS).map(([name, { frame, body: rule }]) => ({
    name,
    params: [...Array<number>(frame.params - frame.consts).fill(I32), ...Array<number>(frame.consts).fill(F32)],
    body: fn(frame, rule, simd),
  }));
  return memoryModule(functions, ['du', 'ww']);
}

type Exports = Record<string, (...args: number[]) => void> & { du: WebAssembly.Global; ww: WebAssembly.Global };

/** Which module runs: the SIMD one (or the scalar one where the engine has no SIMD), or the scalar one. */
export type NativeForm = 'simd' | 'scalar';

const instances: Record<NativeForm, (memory: WebAssembly.Memory) => Exports | null> = {
  simd: perMemory<Exports>([() => rulesModule(true), () => rulesModule(false)]),
  scalar: perMemory<Exports>([() => rulesModule(false)]),
};

/** Whether the SIMD module compiles here (it does on every engine with WebAssembly SIMD: Node ≥ 16.4). */
export const simdRulesValid = (): boolean => WebAssembly.validate(rulesModule(true));

/**
 * A rule's `apply` run natively on `memory` by the function `pick(c)` names (in the module
 * of `form`; tests run both), for arrays
 * that are views of that memory (it falls back to `js` for any that is not), or null where
 * the module cannot run there (no WebAssembly, a shared memory its import does not match).
 */
export function nativeRule(memory: WebAssembly.Memory, js: Apply, pick: (c: Float64Array) => string, form: NativeForm = 'simd'): Apply | null {
  const ex = instances[form](memory);
  if (!ex) return null;
  return (w, g, s, c, wOut, sOut, sums) => {
    const arrays = [w, g, ...s, wOut, ...sOut];
    if (arrays.some((a) => a.buffer !== memory.buffer)) return js(w, g, s, c, wOut, sOut, sums);
    const fnName = pick(c);
    ex[fnName]!(...arrays.map((a) => a.byteOffset), wOut.length * 4, ...c.subarray(0, FUNCTIONS[fnName]!.frame.consts));
    sums[0]! += ex.du.value as number;
    sums[1]! += ex.ww.value as number;
  };
}
