/**
 * The fused Adam update as a small WebAssembly function that runs on the wasm backend's own
 * memory (issue #22). The JS rule (`optimizer-rules.ts`) does each float32 op in float64 and
 * rounds it with `Math.fround`, two conversions per op; WebAssembly's f32 arithmetic is
 * IEEE single precision, each op correctly rounded — the very result `Math.fround` gives
 * for +, −, ×, ÷ and √ of float32 operands — so the same op sequence yields tfjs's values
 * bit for bit at about a third of the JS loop's cost, below tfjs-wasm's 14 SIMD kernels on
 * large variables. Σ(Δw)² and Σw² accumulate in float64 in element order, as the JS rule does.
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
const F32_SQRT = 0x91, F32_ADD = 0x92, F32_MUL = 0x94, F32_DIV = 0x95;
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

// Parameters: byte offsets w, g, m, v, wOut, mOut, vOut, the byte length, then Adam's
// float32 constants in `Rule.constants` order. Locals: the byte index k, then gi, mi, vi,
// wi, wo (f32) and du, ww, dw (f64).
const P = { w: 0, g: 1, m: 2, v: 3, wOut: 4, mOut: 5, vOut: 6, bytes: 7, b1: 8, c1: 9, b2: 10, c2: 11, d1: 12, d2: 13, eps: 14, nlr: 15 };
const L = { k: 16, gi: 17, mi: 18, vi: 19, wi: 20, wo: 21, du: 22, ww: 23, dw: 24 };
const get = (i: number) => [GET, i];
const at = (base: number) => [...get(base), ...get(L.k), I32_ADD];
const load = (base: number) => [...at(base), LOAD, ...MEM];

/**
 * m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/(1−accβ1)) / (√(v'/(1−accβ2)) + ε) · (−lr) + w,
 * each op in float32 in tfjs-core 4.22's order (see the JS rule); then du += (w' − w)², ww += w².
 */
const adamBody = [
  ...F64_ZERO, SET, L.du, ...F64_ZERO, SET, L.ww,
  BLOCK, EMPTY, ...get(P.bytes), I32_CONST, 0, I32_EQ, BR_IF, 0,
  LOOP, EMPTY,
  ...load(P.g), SET, L.gi,
  ...at(P.mOut), ...load(P.m), ...get(P.b1), F32_MUL, ...get(L.gi), ...get(P.c1), F32_MUL, F32_ADD, TEE, L.mi, STORE, ...MEM,
  ...at(P.vOut), ...load(P.v), ...get(P.b2), F32_MUL, ...get(L.gi), ...get(L.gi), F32_MUL, ...get(P.c2), F32_MUL, F32_ADD, TEE, L.vi, STORE, ...MEM,
  ...load(P.w), SET, L.wi,
  ...at(P.wOut), ...get(L.mi), ...get(P.d1), F32_DIV, ...get(L.vi), ...get(P.d2), F32_DIV, F32_SQRT, ...get(P.eps), F32_ADD, F32_DIV,
  ...get(P.nlr), F32_MUL, ...get(L.wi), F32_ADD, TEE, L.wo, STORE, ...MEM,
  ...get(L.du), ...get(L.wo), F64_PROMOTE, ...get(L.wi), F64_PROMOTE, F64_SUB, TEE, L.dw, ...get(L.dw), F64_MUL, F64_ADD, SET, L.du,
  ...get(L.ww), ...get(L.wi), F64_PROMOTE, ...get(L.wi), F64_PROMOTE, F64_MUL, F64_ADD, SET, L.ww,
  ...get(L.k), I32_CONST, 4, I32_ADD, TEE, L.k, ...get(P.bytes), I32_LT_U, BR_IF, 0,
  END, END,
  ...get(L.du), GLOBAL_SET, 0, ...get(L.ww), GLOBAL_SET, 1,
  END,
];

/** The module: imports `env.memory`, exports `adam` and the f64 globals `du`, `ww` it leaves its sums in. */
function adamModule(): Uint8Array<ArrayBuffer> {
  const params = [...Array<number>(8).fill(I32), ...Array<number>(8).fill(F32)];
  const locals = vec([[1, I32], [5, F32], [3, F64]]);
  const code = [...locals, ...adamBody];
  const zeroGlobal = [F64, 1, ...F64_ZERO, END];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(params.map((t) => [t])), 0]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(6, vec([zeroGlobal, zeroGlobal])),
    ...section(7, vec([[...name('adam'), 0x00, 0], [...name('du'), 0x03, 0], [...name('ww'), 0x03, 1]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

interface AdamExports {
  adam(...args: number[]): void;
  du: WebAssembly.Global;
  ww: WebAssembly.Global;
}

let compiled: WebAssembly.Module | null = null;
const instances = new WeakMap<WebAssembly.Memory, Apply | null>();

/**
 * Adam's `Rule.apply` run natively on `memory`, for arrays that are views of it (it falls
 * back to `js` for any that is not), or null where the module cannot run there (no
 * WebAssembly, a shared memory its import does not match). One instance per memory.
 */
export function nativeAdam(memory: WebAssembly.Memory, js: Apply): Apply | null {
  if (instances.has(memory)) return instances.get(memory)!;
  let adam: Apply | null = null;
  try {
    compiled ??= new WebAssembly.Module(adamModule());
    const ex = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as AdamExports;
    adam = (w, g, s, c, wOut, sOut, sums) => {
      const [m, v] = s, [mOut, vOut] = sOut;
      const all = [w, g, m, v, wOut, mOut, vOut];
      if (all.some((a) => a?.buffer !== memory.buffer)) return js(w, g, s, c, wOut, sOut, sums);
      ex.adam(...all.map((a) => a!.byteOffset), wOut.length * 4, c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!);
      sums[0]! += ex.du.value as number;
      sums[1]! += ex.ww.value as number;
    };
  } catch {
    adam = null;
  }
  instances.set(memory, adam);
  return adam;
}
