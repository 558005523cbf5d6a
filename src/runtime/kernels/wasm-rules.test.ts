import { describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../../test/helpers/backend.js';
import { createRng } from '../rng.js';
import { tf } from '../tf.js';
import { hostIo } from './host-io.js';
import { RULES } from './optimizer-rules.js';
import { nativeRule, simdRulesValid, type NativeForm } from './wasm-rules.js';

useWasmBackend();

const f = Math.fround;
const adam = RULES.Adam!.rule;
const SPECIAL: number[] = [Number.NaN, Number.POSITIVE_INFINITY, -1e-40, 1e-44, -0, 0, 3e38, -3e38];

/** The wasm backend's memory and a view of a tensor's values on it. */
function heap(): { memory: WebAssembly.Memory; view(t: tf.Tensor): Float32Array } {
  const b = tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } }; typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
  return { memory: b.wasm.asm.memory, view: (t) => b.typedArrayFromHeap(t) };
}

/**
 * w, g and `slots` slot inputs of `n` elements: normal values at several scales, with special
 * values mixed in (none when `finite`: then the float64 sums are finite, and their bits depend
 * on the order of their terms); the last slot ≥ 0 unless special.
 */
function inputs(n: number, seed: number, slots: number, finite = false): Float32Array[] {
  const rng = createRng(seed);
  const value = (i: number, scale: number) => (finite || i % 7 !== 3 ? rng.normal() * scale : SPECIAL[i % SPECIAL.length]!);
  return [1, 1e-3, 1e-20, 1e-6, 0.3].slice(0, 2 + slots).map((scale, q) => Float32Array.from({ length: n }, (_, i) => (q === 1 + slots && q > 1 ? Math.abs(value(i, scale)) : value(i, scale))));
}

/** Each rule with constants as `Rule.constants` makes them (RMSprop's mean squares are its first slot, so they come ≥ 0 only for Adam). */
const CASES = [
  { rule: 'Adam', c: adam.constants([0.05, 0.8, 0.99, 1e-8], [f(0.8 ** 3), f(0.99 ** 3)]), slots: 2 },
  { rule: 'SGD', c: RULES.SGD!.rule.constants([], [f(-0.1)]), slots: 0 },
  { rule: 'Momentum', c: RULES.Momentum!.rule.constants([0], [f(0.9), f(-0.01)]), slots: 1 },
  { rule: 'Momentum', c: RULES.Momentum!.rule.constants([1], [f(0.7), f(-0.03)]), slots: 1 },
  { rule: 'RMSProp', c: RULES.RMSProp!.rule.constants([0.9, 0.5, 0.01, 1e-6, 0], []), slots: 2 },
  { rule: 'RMSProp', c: RULES.RMSProp!.rule.constants([0.95, 0.5, 0.01, 1e-6, 1], []), slots: 3 },
];

const FORMS: NativeForm[] = ['simd', 'scalar'];

describe('native rules (wasm-rules.ts)', () => {
  it('compiles the SIMD module here', () => {
    expect(simdRulesValid()).toBe(true);
  });

  it.each(CASES.flatMap((k) => FORMS.map((form) => ({ ...k, form }))))('$rule ($form) runs on the wasm backend and writes the JS rule’s weights, slots and float64 sums bit for bit ($c)', ({ rule: ruleName, c, slots, form }) => {
    const { memory, view } = heap();
    const rule = RULES[ruleName]!.rule;
    const native = rule.native!(memory, rule.apply, form);
    expect(native).not.toBeNull();
    // Sizes around the SIMD groups of four: none, the scalar tail alone, whole groups, groups and a tail.
    // The last, finite, makes sums whose bits depend on the order of their terms.
    for (const [n, seed, finite] of [[0, 1], [1, 2], [3, 5], [4, 6], [13, 3], [16, 7], [4099, 4], [4099, 8, true]] as const) {
      const ins = inputs(n, seed, slots, finite).map((x) => tf.tensor1d(x));
      const outs = Array.from({ length: 2 * (1 + slots) }, () => tf.zeros([n]));
      const [w, g, ...s] = ins.map(view);
      const [wJs, ...rest] = outs.map(view);
      const [sJs, wNat, sNat] = [rest.slice(0, slots), rest[slots]!, rest.slice(slots + 1)];
      const [jsSums, nativeSums] = [Float64Array.of(0.5, 2), Float64Array.of(0.5, 2)];
      rule.apply(w!, g!, s, c, wJs!, sJs, jsSums);
      native!(w!, g!, s, c, wNat, sNat, nativeSums);
      const bits = (a: Float32Array) => new Uint32Array(a.slice().buffer);
      expect(bits(wNat)).toEqual(bits(wJs!));
      sNat.forEach((a, q) => expect(bits(a)).toEqual(bits(sJs[q]!)));
      expect(nativeSums).toEqual(jsSums);
      if (n > 1) expect(jsSums[1]).not.toBe(2);
      tf.dispose([...ins, ...outs]);
    }
  });

  it('finds the memory through the kernels’ host I/O on wasm (the fused update uses it), none on cpu', () => {
    expect(hostIo(tf.backend(), 'wasm').memory).toBe(heap().memory);
    expect(hostIo(tf.backend(), 'cpu').memory).toBeNull();
  });

  it('leaves arrays that are not views of its memory to the JS rule', () => {
    const { memory, view } = heap();
    let calls = 0;
    const native = nativeRule(new WebAssembly.Memory({ initial: 1 }), () => calls++, () => 'adam');
    expect(native).not.toBeNull();
    const a = () => new Float32Array(3);
    native!(a(), a(), [a(), a()], new Float64Array(8), a(), [a(), a()], new Float64Array(2));
    expect(calls).toBe(1);
    // On views of its own memory the native code runs: the JS rule is never called.
    let jsCalls = 0;
    const onHeap = nativeRule(memory, () => jsCalls++, () => 'adam')!;
    const ts = Array.from({ length: 7 }, () => tf.zeros([3]));
    const [w, g, m, v, wo, mo, vo] = ts.map(view);
    onHeap(w!, g!, [m!, v!], CASES[0]!.c, wo!, [mo!, vo!], new Float64Array(2));
    expect(jsCalls).toBe(0);
    tf.dispose(ts);
  });
});
