/**
 * The fused optimizer rules as small WebAssembly functions that run on the wasm backend's
 * own memory (issue #22). The JS rules (`optimizer-rules.ts`) do each float32 op in float64
 * and round it with `Math.fround`, two conversions per op; WebAssembly's f32 arithmetic is
 * IEEE single precision, each op correctly rounded — the very result `Math.fround` gives
 * for +, −, ×, ÷ and √ of float32 operands — so the same op sequences yield tfjs's values
 * bit for bit at about a third of the JS loops' cost, below tfjs-wasm's own SIMD kernels on
 * large variables. Σ(Δw)² and Σw² accumulate in float64 in element order, as in JS.
 *
 * The module (a few hundred bytes) is encoded here rather than shipped as a file: it imports
 * the backend's `WebAssembly.Memory` (tfjs-backend-wasm keeps it at `wasm.asm.memory`), so
 * it reads and writes the tensors where they live, by byte offset, without a copy.
 */
import type { Apply } from './rule-apply.js';

// Value types and the opcodes used (WebAssembly core spec, binary format).
const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c;
const GET = 0x20, SET = 0x21, TEE = 0x22, GLOBAL_SET = 0x24, LOAD = 0x2a, STORE = 0x38;
const I32_CONST = 0x41, I32_EQ = 0x46, I32_LT_U = 0x49, I32_ADD = 0x6a;
const F32_SQRT = 0x91, F32_ADD = 0x92, F32_SUB = 0x93, F32_MUL = 0x94, F32_DIV = 0x95;
const F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2, F64_PROMOTE = 0xbb, F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
const BLOCK = 0x02, LOOP = 0x03, BR_IF = 0x0d, END = 0x0b, EMPTY = 0x40;
/** f32.load / f32.store with alignment 4 (log2 2) and offset 0. */
const MEM = [2, 0];

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

/**
 * Where a rule's function finds things. Parameters: byte offsets of w, g, the `slots` slot
 * inputs, wOut and the slot outputs, the byte length, then the rule's float32 constants
 * (`Rule.constants` order). Locals: the byte index, gi, wi, wo, two f32 temporaries, and
 * the float64 sums.
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
  get gi() { return this.params + 1; }
  get wi() { return this.params + 2; }
  get wo() { return this.params + 3; }
  t(i: number) { return this.params + 4 + i; }
  get du() { return this.params + 6; }
  get ww() { return this.params + 7; }
  get dw() { return this.params + 8; }
}

const get = (i: number) => [GET, i];
/** Pushes the address of element k of the array at parameter `base`. */
const at = (x: Frame, base: number) => [...get(base), ...get(x.k), I32_ADD];
const load = (x: Frame, base: number) => [...at(x, base), LOAD, ...MEM];
/** Stores the value `value` leaves on the stack into the array at `base`, keeping it in local `keep`. */
const store = (x: Frame, base: number, value: number[], keep: number) => [...at(x, base), ...value, TEE, keep, STORE, ...MEM];

/**
 * A rule's function: `body` loads what it needs (gi and wi are loaded before it), writes its
 * slots and leaves w' in the `wo` local; the loop around it writes w' and adds to the sums.
 */
function fn(x: Frame, body: number[]): number[] {
  const code = [
    ...F64_ZERO, SET, x.du, ...F64_ZERO, SET, x.ww,
    BLOCK, EMPTY, ...get(x.bytes), I32_CONST, 0, I32_EQ, BR_IF, 0,
    LOOP, EMPTY,
    ...load(x, x.g), SET, x.gi, ...load(x, x.w), SET, x.wi,
    ...body,
    ...at(x, x.wOut), ...get(x.wo), STORE, ...MEM,
    ...get(x.du), ...get(x.wo), F64_PROMOTE, ...get(x.wi), F64_PROMOTE, F64_SUB, TEE, x.dw, ...get(x.dw), F64_MUL, F64_ADD, SET, x.du,
    ...get(x.ww), ...get(x.wi), F64_PROMOTE, ...get(x.wi), F64_PROMOTE, F64_MUL, F64_ADD, SET, x.ww,
    ...get(x.k), I32_CONST, 4, I32_ADD, TEE, x.k, ...get(x.bytes), I32_LT_U, BR_IF, 0,
    END, END,
    ...get(x.du), GLOBAL_SET, 0, ...get(x.ww), GLOBAL_SET, 1,
    END,
  ];
  const locals = vec([[1, I32], [5, F32], [3, F64]]);
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

const g = (x: Frame) => get(x.gi);
const c = (x: Frame, i: number) => get(x.c(i));

/** Each function's frame and body, in tfjs-core 4.22's op order (see the JS rules). */
const FUNCTIONS: Record<string, { frame: Frame; body: (x: Frame) => number[] }> = {
  // m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/(1−accβ1)) / (√(v'/(1−accβ2)) + ε) · (−lr) + w
  adam: {
    frame: new Frame(2, 8),
    body: (x) => [
      ...store(x, x.slotOut(0), [...load(x, x.slot(0)), ...c(x, 0), F32_MUL, ...g(x), ...c(x, 1), F32_MUL, F32_ADD], x.t(0)),
      ...store(x, x.slotOut(1), [...load(x, x.slot(1)), ...c(x, 2), F32_MUL, ...g(x), ...g(x), F32_MUL, ...c(x, 3), F32_MUL, F32_ADD], x.t(1)),
      ...get(x.t(0)), ...c(x, 4), F32_DIV, ...get(x.t(1)), ...c(x, 5), F32_DIV, F32_SQRT, ...c(x, 6), F32_ADD, F32_DIV,
      ...c(x, 7), F32_MUL, ...get(x.wi), F32_ADD, SET, x.wo,
    ],
  },
  // w' = c·g + w
  sgd: { frame: new Frame(0, 1), body: (x) => [...c(x, 0), ...g(x), F32_MUL, ...get(x.wi), F32_ADD, SET, x.wo] },
  // a' = m·a + g; w' = c·a' + w
  momentum: {
    frame: new Frame(1, 2),
    body: (x) => [
      ...store(x, x.slotOut(0), [...c(x, 0), ...load(x, x.slot(0)), F32_MUL, ...g(x), F32_ADD], x.t(0)),
      ...c(x, 1), ...get(x.t(0)), F32_MUL, ...get(x.wi), F32_ADD, SET, x.wo,
    ],
  },
  // a' = m·a + g; w' = c·(g + a'·m) + w
  nesterov: {
    frame: new Frame(1, 2),
    body: (x) => [
      ...store(x, x.slotOut(0), [...c(x, 0), ...load(x, x.slot(0)), F32_MUL, ...g(x), F32_ADD], x.t(0)),
      ...c(x, 1), ...g(x), ...get(x.t(0)), ...c(x, 0), F32_MUL, F32_ADD, F32_MUL, ...get(x.wi), F32_ADD, SET, x.wo,
    ],
  },
  // ms' = ms·ρ + g²·(1−ρ); mom' = mom·μ + (g·lr) / √(ms' + ε); w' = w − mom'
  rmsprop: {
    frame: new Frame(2, 6),
    body: (x) => [
      ...meanSquare(x),
      ...moment(x, [...get(x.t(0)), ...c(x, 4), F32_ADD, F32_SQRT]),
    ],
  },
  // … mg' = mg·ρ + g·(1−ρ) and the denominator √(ms' − (mg'² + ε))
  rmspropCentered: {
    frame: new Frame(3, 6),
    body: (x) => [
      ...meanSquare(x),
      ...store(x, x.slotOut(2), [...load(x, x.slot(2)), ...c(x, 0), F32_MUL, ...g(x), ...c(x, 1), F32_MUL, F32_ADD], x.t(1)),
      ...moment(x, [...get(x.t(0)), ...get(x.t(1)), ...get(x.t(1)), F32_MUL, ...c(x, 4), F32_ADD, F32_SUB, F32_SQRT]),
    ],
  },
};

/** RMSprop's ms' = ms·ρ + g²·(1−ρ), written to its slot and kept in t0. */
function meanSquare(x: Frame): number[] {
  return store(x, x.slotOut(0), [...load(x, x.slot(0)), ...c(x, 0), F32_MUL, ...g(x), ...g(x), F32_MUL, ...c(x, 1), F32_MUL, F32_ADD], x.t(0));
}

/** RMSprop's mom' = mom·μ + (g·lr) / denominator, written to its slot; w' = w − mom'. */
function moment(x: Frame, denominator: number[]): number[] {
  return [
    ...store(x, x.slotOut(1), [...load(x, x.slot(1)), ...c(x, 2), F32_MUL, ...g(x), ...c(x, 3), F32_MUL, ...denominator, F32_DIV, F32_ADD], x.t(0)),
    ...get(x.wi), ...get(x.t(0)), F32_SUB, SET, x.wo,
  ];
}

/** The module: imports `env.memory`, exports each function and the f64 globals `du`, `ww` they leave their sums in. */
function rulesModule(): Uint8Array<ArrayBuffer> {
  const entries = Object.entries(FUNCTIONS);
  const type = (f: Frame) => [0x60, ...vec([...Array<number>(f.params - f.consts).fill(I32), ...Array<number>(f.consts).fill(F32)].map((t) => [t])), 0];
  const zeroGlobal = [F64, 1, ...F64_ZERO, END];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(entries.map(([, { frame }]) => type(frame)))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(entries.map((_, i) => [i]))),
    ...section(6, vec([zeroGlobal, zeroGlobal])),
    ...section(7, vec([...entries.map(([n], i) => [...name(n), 0x00, i]), [...name('du'), 0x03, 0], [...name('ww'), 0x03, 1]])),
    ...section(10, vec(entries.map(([, { frame, body }]) => fn(frame, body(frame))))),
  ]);
}

type Exports = Record<string, (...args: number[]) => void> & { du: WebAssembly.Global; ww: WebAssembly.Global };

let compiled: WebAssembly.Module | null = null;
const instances = new WeakMap<WebAssembly.Memory, Exports | null>();

function instance(memory: WebAssembly.Memory): Exports | null {
  if (!instances.has(memory)) {
    try {
      compiled ??= new WebAssembly.Module(rulesModule());
      instances.set(memory, new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Exports);
    } catch {
      instances.set(memory, null);
    }
  }
  return instances.get(memory)!;
}

/**
 * A rule's `apply` run natively on `memory` by the function `pick(c)` names, for arrays
 * that are views of that memory (it falls back to `js` for any that is not), or null where
 * the module cannot run there (no WebAssembly, a shared memory its import does not match).
 */
export function nativeRule(memory: WebAssembly.Memory, js: Apply, pick: (c: Float64Array) => string): Apply | null {
  const ex = instance(memory);
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
