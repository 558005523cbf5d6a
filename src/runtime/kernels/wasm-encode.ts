/**
 * The pieces gclip's small hand-encoded WebAssembly modules are written with (the optimizer
 * rules of `wasm-rules.ts`, the norms and transposes of `wasm-host.ts`): opcodes of the core
 * and SIMD (fixed-width, 128-bit) instruction sets in the binary format, LEB128 numbers,
 * sections, a module that imports the wasm backend's `env.memory`, and one instance of each
 * module per memory.
 *
 * SIMD arithmetic is IEEE like the scalar instructions: each lane of `f32x4.add`, `sub`,
 * `mul`, `div` and `sqrt` is the correctly rounded float32 result (NaN bits aside), the value
 * `Math.fround` gives for the same float32 operands, and `f64x2` lanes are float64 ops; so a
 * loop moved to SIMD computes the same numbers as its scalar form when every value takes the
 * same operations in the same order.
 */

// Value types and core opcodes.
export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export const GET = 0x20, SET = 0x21, TEE = 0x22, GLOBAL_SET = 0x24, LOAD = 0x2a, STORE = 0x38;
export const I32_CONST = 0x41, I32_EQ = 0x46, I32_LT_U = 0x49, I32_GE_U = 0x4f, I32_ADD = 0x6a, I32_MUL = 0x6c, I32_AND = 0x71;
export const F32_SQRT = 0x91, F32_ADD = 0x92, F32_SUB = 0x93, F32_MUL = 0x94, F32_DIV = 0x95;
export const F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2, F64_PROMOTE = 0xbb;
export const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
export const BLOCK = 0x02, LOOP = 0x03, BR_IF = 0x0d, END = 0x0b, EMPTY = 0x40, SELECT = 0x1b;
/** Memory argument of an f32 load or store: alignment 4 (log2 2) and offset 0. */
export const MEM = [2, 0];

/** SIMD instructions (prefix 0xfd, then the opcode as an unsigned LEB128). */
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
// Alignment hints only: a v128 access at any address is valid (tensors are 4-byte aligned).
export const V128_LOAD = simd(0x00, 2, 0), V128_STORE = simd(0x0b, 2, 0);
export const F32X4_SPLAT = simd(0x13);
export const F32X4_SQRT = simd(0xe3), F32X4_ADD = simd(0xe4), F32X4_SUB = simd(0xe5), F32X4_MUL = simd(0xe6), F32X4_DIV = simd(0xe7);
export const F64X2_ADD = simd(0xf0), F64X2_SUB = simd(0xf1), F64X2_MUL = simd(0xf2);
/** f64x2 of lanes 0 and 1 of an f32x4. */
export const F64X2_PROMOTE_LOW = simd(0x5f);
export const f64x2Lane = (lane: number): number[] => simd(0x21, lane);
/** `i8x16.shuffle` of two vectors by the 16 byte indices `bytes` (0–15 the first, 16–31 the second). */
export const shuffle = (bytes: readonly number[]): number[] => simd(0x0d, ...bytes);
/** Lanes 2, 3 of an f32x4 (twice): `F64X2_PROMOTE_LOW` after it promotes the high half. */
export const HIGH_HALF = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n >>>= 7;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
}

/** `i32.const n` (signed LEB128). */
export function i32(n: number): number[] {
  const out = [I32_CONST];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];

/** A function body: `locals` as [count, type] runs, then the code (which ends with its own END). */
export function body(locals: ReadonlyArray<readonly [number, number]>, code: readonly number[]): number[] {
  const l = vec(locals.map(([n, t]) => [...uleb(n), t]));
  return [...uleb(l.length + code.length), ...l, ...code];
}

/** One exported function: its name, parameter types (no results) and encoded body. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly body: number[];
}

/**
 * A module importing `env.memory`, exporting `functions` and one mutable f64 global per
 * name of `globals` (initially 0; the functions leave their sums there).
 */
export function memoryModule(functions: readonly WasmFunction[], globals: readonly string[]): Uint8Array<ArrayBuffer> {
  const zeroGlobal = [F64, 1, ...F64_ZERO, END];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec(functions.map((_, i) => [i]))),
    ...section(6, vec(globals.map(() => zeroGlobal))),
    ...section(7, vec([...functions.map((f, i) => [...name(f.name), 0x00, i]), ...globals.map((g, i) => [...name(g), 0x03, i])])),
    ...section(10, vec(functions.map((f) => f.body))),
  ]);
}

/** A module's exports: its functions and its f64 globals. */
export type MemoryExports = Record<string, ((...args: number[]) => void) | WebAssembly.Global>;

/**
 * One instance per memory of the module the first working entry of `candidates` builds
 * (the SIMD form first, then a scalar fallback for an engine without SIMD), or null where
 * none instantiates (no WebAssembly, a memory the import does not match).
 */
export function perMemory<E extends MemoryExports>(candidates: ReadonlyArray<() => Uint8Array<ArrayBuffer>>): (memory: WebAssembly.Memory) => E | null {
  let compiled: WebAssembly.Module[] | null = null;
  const instances = new WeakMap<WebAssembly.Memory, E | null>();
  return (memory) => {
    if (!instances.has(memory)) {
      compiled ??= candidates.flatMap((make) => {
        try {
          return [new WebAssembly.Module(make())];
        } catch {
          return [];
        }
      });
      let made: E | null = null;
      for (const m of compiled) {
        try {
          made = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as E;
          break;
        } catch {
          // the next candidate
        }
      }
      instances.set(memory, made);
    }
    return instances.get(memory)!;
  };
}
