/** Drives a stateful clip strategy over scripted gradients, as style.md §10 asks of its tests. */
import { tf } from '../../src/runtime/tf.js';
import { createClipper } from '../../src/clip/clipper.js';
import type { ClipStrategy } from '../../src/clip/types.js';

/** One step of `runScripted`: the numbers read back, the clipped values per tensor, the state after. */
export interface ScriptedStep<S> {
  readonly numbers: Record<string, number>;
  readonly grads: number[][];
  readonly state: S;
}

/**
 * Runs `make()` through a clipper, one step per entry of `steps`, each value a one-element
 * tensor (so its norm is |value|). At `restoreAt` the state is round-tripped through JSON into
 * a fresh clipper, as a resumed run would.
 */
export function runScripted<S>(make: () => ClipStrategy<S>, steps: readonly (readonly number[])[], restoreAt?: number): ScriptedStep<S>[] {
  let clipper = createClipper(make());
  return steps.map((values, i) => {
    if (i === restoreAt) {
      const saved = JSON.parse(JSON.stringify(clipper.state)) as S;
      clipper = createClipper(make());
      clipper.restore(saved);
    }
    const named = Object.fromEntries(values.map((v, j) => [`w${j}`, tf.tensor1d([v])]));
    const { grads, numbers } = clipper.clip(named, Object.values(named));
    const out = { numbers: { ...numbers }, grads: Object.values(grads).map((t) => [...t.dataSync()]), state: clipper.state };
    tf.dispose([...Object.values(named), ...Object.values(grads)]);
    return out;
  });
}
