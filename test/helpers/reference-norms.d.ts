/** Norm order of the float64 reference: a number (±Infinity, 0, p) or 'inf'. */
export type RefOrder = number | 'inf';
/** The p-norm of a flat list of numbers, in float64. An empty list has norm 0. */
export function refNorm(values: readonly number[], p: RefOrder): number;
/** Per-tensor norms and their total (a norm of the norms, as torch), in float64. */
export function refTotalNorm(tensors: readonly (readonly number[])[], p: RefOrder): { tensorNorms: number[]; total: number };
/** Relative closeness with an absolute floor, for float32 results against float64 references. */
export function closeTo(got: number, exp: number, rel?: number, abs?: number): boolean;
