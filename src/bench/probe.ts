/**
 * Untimed probes of one loop: host readbacks and tfjs kernels per step, counted by
 * wrapping `Tensor.prototype.data`/`dataSync`/`array`/`arraySync` and `engine.runKernel`.
 * Kept out of the timed runs (the wrappers cost time themselves).
 */
import { tf } from '../runtime/tf.js';

/** Counts of one probed run. */
export interface ProbeCounts {
  readonly readbacks: number;
  readonly kernels: number;
}

type Fn = (...a: unknown[]) => unknown;

/** Runs `body` with readbacks and kernel dispatches counted; restores everything after. */
export async function probe(body: () => Promise<unknown> | unknown): Promise<ProbeCounts> {
  const proto = tf.Tensor.prototype as unknown as Record<string, Fn>;
  const names = ['data', 'dataSync', 'array', 'arraySync'] as const;
  const originals = Object.fromEntries(names.map((n) => [n, proto[n]!])) as Record<string, Fn>;
  const engine = tf.engine() as unknown as { runKernel: Fn };
  const runKernel = engine.runKernel;
  let readbacks = 0;
  let kernels = 0;
  for (const n of names) {
    proto[n] = function (this: unknown, ...args: unknown[]) {
      readbacks++;
      return originals[n]!.apply(this, args);
    };
  }
  engine.runKernel = function (this: unknown, ...args: unknown[]) {
    kernels++;
    return runKernel.apply(this, args);
  };
  try {
    await body();
  } finally {
    Object.assign(proto, originals);
    engine.runKernel = runKernel;
  }
  return { readbacks, kernels };
}
