/**
 * The per-variable update of a fused optimizer rule (`optimizer-rules.ts`; natively
 * `wasm-rules.ts`): weights `w`, gradient `g`, slot values `s` (in the rule's slot
 * order) and the step's float32 scalars `c`, written to `wOut` and `sOut`. As it writes,
 * it adds Σ(wOut − w)² to `sums[0]` and Σw² to `sums[1]` in float64 (the update telemetry,
 * issue #20: one pass over memory the update reads anyway).
 */
export type Apply = (w: Float32Array, g: Float32Array, s: Float32Array[], c: Float64Array, wOut: Float32Array, sOut: Float32Array[], sums: Float64Array) => void;
