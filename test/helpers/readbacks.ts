/** Counting host readbacks in tests (the loop's rule: one per training step). */
import { tf } from '../../src/runtime/tf.js';

/**
 * Runs `body` with every tensor readback (`data`, `dataSync`, `array`, `arraySync`)
 * counted; returns its result and the count. The methods are restored even if it throws.
 */
export async function countReadbacks<T>(body: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = { data: proto.data!, dataSync: proto.dataSync!, array: proto.array!, arraySync: proto.arraySync! };
  let reads = 0;
  for (const [name, fn] of Object.entries(originals)) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      reads++;
      return fn.apply(this, args);
    };
  }
  try {
    const result = await body();
    return { result, reads };
  } finally {
    Object.assign(proto, originals);
  }
}
