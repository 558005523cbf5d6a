/**
 * The optimizer update on the host for backends whose tensors JS cannot see (tfjs-node,
 * issue #22). There every tfjs op is a TensorFlow eager dispatch: Adam's `applyGradients`
 * is 11 of them per variable and the update telemetry measured with ops ~9 more, each a
 * separate pass over memory. Here the step's one readback also carries the clipped
 * gradients; the fused rule (`optimizer-rules.ts`, natively `wasm-rules.ts` on a memory of
 * its own) computes the new weights and slots and the telemetry sums in one pass on host
 * copies of the optimizer's state, and `commit` uploads them (one tensor per variable and
 * slot; tfjs-node hands a new tensor's values to TensorFlow on its first use).
 *
 * The optimizer's own variables stay the state of record: each commit writes the weights,
 * and the slots are written when gclip reads the state (`flushHostState`, called by
 * snapshots: checkpoints, the rollback ring, the op path's update), so those see what tfjs
 * would hold; uploading every slot at every step cost as much as the update at 1M parameters.
 * The host copies are checked against them by identity (`dataId`; `assign` replaces it) at
 * every step: one assigned by anyone else since (a new −lr tensor, the first step here) is
 * read back in that step's readback (`reads`). A restore says so (`forgetHostState`): its
 * snapshot's clones share the `dataId`s the host copies were flushed to. Numerics: the rules
 * replay tfjs's ops in float32, so weights and slots are what `applyGradients` gives, and the
 * telemetry sums are the host kernels' float64 ones (`update-stats.ts`).
 */
import { tf, type Optimizer, type Tensor, type Variable } from '../tf.js';
import type { Apply } from './rule-apply.js';
import { fusable, ruleOf, type UpdateGroups } from './optimizer-update.js';
import type { UpdateSums } from './update-stats.js';
import { scaleInto } from './global-clip.js';
import { internalError } from '../../errors.js';

/** One step's update on the host, from `run` to `commit`. */
export interface HostUpdateStep {
  /** State tensors the host copies lack, to be read back after the gradients, flattened, in this order. */
  readonly reads: readonly Tensor[];
  /**
   * Takes the readback's `values` from `at` (the gradients in `vars` order, flattened, then
   * `reads`), computes the update into the next host buffers and returns its per-layer sums.
   * With `clip`, the gradients are those before the clip: `clip` gets them and the weights
   * and returns the coefficient they are multiplied by (float32 products, as `tf.mul`).
   */
  run(values: Float32Array, at: number, clip?: HostClip): UpdateSums;
  /** Writes the update `run` computed into the optimizer's variables. */
  commit(): void;
}

/** A clip done on the host: the coefficient for the gradients, given them and the weights. */
export type HostClip = (grads: readonly Float32Array[], weights: readonly Float32Array[]) => number;

/** The host update of one run's variables. */
export interface HostUpdate {
  /** A step's update of `grads` (in `vars` order), or null when this step cannot take it (slots not created yet, a shape or dtype mismatch). */
  (grads: readonly Tensor[]): HostUpdateStep | null;
  /** Whether the next step can take it (then its clip may be left to `run`). */
  ready(): boolean;
}

/** A state tensor's host copy: its values now, the buffer the update writes, and the `dataId` they are the values of. */
interface Held {
  cur: Float32Array;
  next: Float32Array;
  known: object | null;
}

const PAGE = 65536;
const MAX_PAGES = 32768;
const dataIdOf = (t: Tensor): object => t.dataId as object;

/**
 * Float32 buffers of the given sizes, all views of one `WebAssembly.Memory` where the rule
 * runs natively on it (memory that never grows after this, so the views stay attached);
 * else plain arrays for the JS rule.
 */
function buffers(sizes: readonly number[], rule: { apply: Apply; native?: (m: WebAssembly.Memory, js: Apply) => Apply | null }): { arrays: Float32Array[]; apply: Apply } {
  const pages = Math.ceil((4 * sizes.reduce((a, n) => a + n, 0)) / PAGE) + 1;
  let memory: WebAssembly.Memory | null = null;
  try {
    if (pages <= MAX_PAGES) memory = new WebAssembly.Memory({ initial: pages });
  } catch {
    memory = null;
  }
  const apply = (memory && rule.native?.(memory, rule.apply)) || rule.apply;
  if (!memory || apply === rule.apply) return { arrays: sizes.map((n) => new Float32Array(n)), apply };
  let offset = 0;
  const arrays = sizes.map((n) => {
    const view = new Float32Array(memory.buffer, offset, n);
    offset += 4 * n;
    return view;
  });
  return { arrays, apply };
}

/** Assigns `values` (copied) to `v` and returns the variable's new `dataId`. */
function upload(v: Variable, values: Float32Array): object {
  const t = tf.tensor(values.slice(), v.shape, 'float32');
  v.assign(t);
  t.dispose();
  return dataIdOf(v);
}

/**
 * The host update of `optimizer` for `vars`: for tfjs's Adam, SGD, momentum and RMSprop
 * with float32 variables (the fused kernel's rules), else null. `groups` maps each variable
 * to its layer for the telemetry sums.
 */
export function createHostUpdate(optimizer: Optimizer, vars: readonly Variable[], groups: UpdateGroups): HostUpdate | null {
  const rule = ruleOf(optimizer, vars);
  if (!rule) return null;
  const o = optimizer as never;
  const k = vars.length;
  const sizes = vars.map((v) => v.size);
  // Allocated on the first step the slots exist: [w, slots…] per variable, then the gradients.
  let store: { held: Held[][]; grads: Float32Array[]; apply: Apply } | null = null;
  const scalarHeld = { values: [] as number[], known: [] as (object | null)[] };

  const allocate = (slots: number) => {
    const per = [...Array<number>(2 * (1 + slots)).fill(0)];
    const { arrays, apply } = buffers([...sizes.flatMap((n) => per.map(() => n)), ...sizes], rule);
    const held = sizes.map((_, j) => Array.from({ length: 1 + slots }, (_, q) => ({ cur: arrays[j * per.length + 2 * q]!, next: arrays[j * per.length + 2 * q + 1]!, known: null })));
    return { held, grads: arrays.slice(k * per.length), apply };
  };

  const update = (grads: readonly Tensor[]): HostUpdateStep | null => {
    const slots = rule.slots(o);
    if (!fusable(vars, grads, slots)) return null;
    const s = (store ??= allocate(slots.length));
    const scalars = rule.scalars(o);
    // Each state tensor with its host copy: weights and slots per variable, then the scalars.
    const tensors = vars.map((v, j) => [v, ...slots.map((kind) => kind[j]!.variable)]);
    const reads: Tensor[] = [];
    const fills: Array<(src: Float32Array) => void> = [];
    tensors.forEach((row, j) =>
      row.forEach((t, q) => {
        const h = s.held[j]![q]!;
        if (h.known === dataIdOf(t)) return;
        reads.push(t);
        fills.push((src) => {
          h.cur.set(src);
          h.known = dataIdOf(t);
        });
      }),
    );
    scalars.forEach((t, i) => {
      if (scalarHeld.known[i] === dataIdOf(t)) return;
      reads.push(t);
      fills.push((src) => {
        scalarHeld.values[i] = src[0]!;
        scalarHeld.known[i] = dataIdOf(t);
      });
    });
    let written: number[] | null = null;
    return {
      reads,
      run: (values, at, clip) => {
        let offset = at;
        const raw = sizes.map((n) => values.subarray(offset, (offset += n)));
        reads.forEach((t, i) => fills[i]!(values.subarray(offset, (offset += t.size))));
        // The clip reads the gradients where they were read back; the copy multiplies (one pass).
        const coef = clip ? clip(raw, s.held.map((h) => h[0]!.cur)) : 1;
        for (let j = 0; j < k; j++) scaleInto(raw[j]!, coef, s.grads[j]!);
        const params = rule.params(o);
        const c = rule.constants(params, scalarHeld.values);
        const sums = { du2: new Float64Array(groups.layers), w2: new Float64Array(groups.layers) };
        const acc = new Float64Array(2);
        for (let j = 0; j < k; j++) {
          const [w, ...rest] = s.held[j]!;
          acc[0] = 0;
          acc[1] = 0;
          s.apply(w!.cur, s.grads[j]!, rest.map((h) => h.cur), c, w!.next, rest.map((h) => h.next), acc);
          sums.du2[groups.layerOf[j]!]! += acc[0]!;
          sums.w2[groups.layerOf[j]!]! += acc[1]!;
        }
        written = rule.next(params, scalarHeld.values);
        return sums;
      },
      commit: () => {
        if (!written) throw internalError('host_update_order', 'commit before run');
        // The weights now (the next forward reads them); the slots when someone reads them (`flushHostState`).
        tensors.forEach((row, j) =>
          row.forEach((t, q) => {
            const h = s.held[j]![q]!;
            if (q === 0) h.known = upload(t as Variable, h.next);
            [h.cur, h.next] = [h.next, h.cur];
          }),
        );
        pending = tensors;
        written.forEach((x, i) => {
          const v = scalars[i] as Variable;
          const t = tf.scalar(x, 'float32');
          v.assign(t);
          t.dispose();
          scalarHeld.values[i] = x;
          scalarHeld.known[i] = dataIdOf(v);
        });
        (optimizer as unknown as { incrementIterations(): void }).incrementIterations();
      },
    };
  };
  // Slot values committed on the host but not yet uploaded, by the commit's state tensors.
  let pending: Tensor[][] | null = null;
  // A host update this optimizer had before (an earlier loop on the same plan) hands its state over first.
  flushHostState(optimizer);
  HOSTED.set(optimizer, {
    flush: () => {
      pending?.forEach((row, j) =>
        row.forEach((t, q) => {
          const h = store!.held[j]![q]!;
          // A slot assigned since (a restore) holds newer values than the host copy: keep them.
          if (q > 0 && h.known === dataIdOf(t)) h.known = upload(t as Variable, h.cur);
        }),
      );
      pending = null;
    },
    forget: () => {
      pending = null;
      store?.held.forEach((row) => row.forEach((h) => (h.known = null)));
      scalarHeld.known = [];
    },
  });
  return Object.assign(update, { ready: () => fusable(vars, vars, rule.slots(o)) });
}

/** Per optimizer with a host update: uploads the slot values its commits left on the host, or drops them. */
const HOSTED = new WeakMap<Optimizer, { flush(): void; forget(): void }>();

/**
 * Writes the optimizer state a host update keeps on the host into `optimizer`'s own slot
 * variables. Its commits upload the weights at once and the slots only when this is called:
 * by whatever reads an optimizer's state (gclip's snapshots, which checkpoints, the rollback
 * ring and the op path's update take). A no-op for an optimizer without one.
 */
export function flushHostState(optimizer: Optimizer): void {
  HOSTED.get(optimizer)?.flush();
}

/**
 * Tells `optimizer`'s host update that its state is being assigned from elsewhere (a
 * snapshot's restore): the slot values its commits left on the host are dropped, and its
 * next step reads every state tensor back. The `dataId` check cannot see this: a snapshot
 * clones the variables (taken after a flush, so the clones share their `dataId`), and
 * restoring it assigns that same `dataId` back while the host copies moved on.
 */
export function forgetHostState(optimizer: Optimizer): void {
  HOSTED.get(optimizer)?.forget();
}
