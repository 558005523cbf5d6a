/**
 * Seeded mini-batch order. The indices of step k are a pure function of (seed, k), so a
 * resumed run, a sweep point and a shard all see exactly the batches of an uninterrupted
 * run without carrying any state but the step number.
 */
import { permutation, type Rng } from '../runtime/rng.js';

/** How a training split is cut into batches. */
export interface BatchPlan {
  /** Rows in the training split (≥ 1). */
  readonly trainSize: number;
  /** Requested batch size (≥ 1); capped at trainSize. */
  readonly batchSize: number;
  /** Reshuffle every epoch (true) or take rows in order 0..n-1 every epoch (false). */
  readonly shuffle: boolean;
}

/** Saved position of a batch schedule: plain data, JSON-safe. */
export interface BatchScheduleState {
  /** The step whose batch `next()` returns next (0-based). */
  readonly step: number;
}

/** A cursor over {@link batchIndices}; its only state is the step counter. */
export interface BatchSchedule {
  /** Indices of the current step's batch; then advances by one step. */
  next(): Int32Array;
  /** Indices of any step, without moving the cursor. */
  at(step: number): Int32Array;
  /** The cursor position, to save with a checkpoint. */
  state(): BatchScheduleState;
  /** Batches per epoch: ⌊trainSize / batchSize⌋ (≥ 1). */
  readonly epochStepCount: number;
  /** Rows in every batch: min(batchSize, trainSize). */
  readonly batchSize: number;
}

/** Effective batch size: min(batchSize, trainSize). */
export function effectiveBatchSize(plan: BatchPlan): number {
  return Math.min(plan.batchSize, plan.trainSize);
}

/** Batches per epoch: ⌊trainSize / effectiveBatchSize⌋; the partial last batch is dropped. */
export function epochStepCount(plan: BatchPlan): number {
  return Math.floor(plan.trainSize / effectiveBatchSize(plan));
}

/** The row order of epoch `epoch`: a fresh permutation from `rng.fork('epoch:<e>')`, or 0..n-1. */
export function epochOrder(epoch: number, plan: BatchPlan, rng: Rng): Int32Array {
  if (plan.shuffle) return permutation(plan.trainSize, rng.fork(`epoch:${epoch}`));
  const out = new Int32Array(plan.trainSize);
  for (let i = 0; i < plan.trainSize; i++) out[i] = i;
  return out;
}

/**
 * Row indices of the batch at `step` (0-based): epoch e = ⌊step / S⌋ with S =
 * {@link epochStepCount}, and the batch is rows [(step mod S)·B, (step mod S + 1)·B) of
 * {@link epochOrder}(e). Pure: it depends only on (plan, rng's seed, step); `rng` is forked,
 * never advanced.
 *
 * Every batch has exactly B = min(batchSize, trainSize) rows: the trainSize mod B rows left
 * at the end of an epoch's permutation are *dropped* for that epoch (PyTorch
 * `drop_last=True`). Equal batch sizes keep gradient norms comparable from step to step;
 * a small last batch would show up as a spurious norm spike. With reshuffling, a different
 * remainder is dropped each epoch. Each row appears at most once per epoch, and exactly
 * once when B divides trainSize.
 *
 * Cost: one O(trainSize) permutation per call; {@link createBatchSchedule} caches it per epoch.
 */
export function batchIndices(step: number, plan: BatchPlan, rng: Rng): Int32Array {
  const perEpoch = epochStepCount(plan);
  const order = epochOrder(Math.floor(step / perEpoch), plan, rng);
  return sliceBatch(order, step % perEpoch, effectiveBatchSize(plan));
}

function sliceBatch(order: Int32Array, k: number, size: number): Int32Array {
  return order.slice(k * size, (k + 1) * size);
}

/**
 * A cursor over {@link batchIndices} starting at `from.step` (default 0). Resume a run by
 * passing the saved `state()`; the batches are identical to an uninterrupted run.
 * The schedule caches the current epoch's permutation (derived data, not state).
 *
 * @example
 * const s = createBatchSchedule({ trainSize: 10, batchSize: 4, shuffle: true }, createRng(7));
 * s.epochStepCount; // 2 (rows 8 and 9 of each epoch's permutation are dropped)
 */
export function createBatchSchedule(plan: BatchPlan, rng: Rng, from: BatchScheduleState = { step: 0 }): BatchSchedule {
  const perEpoch = epochStepCount(plan);
  const size = effectiveBatchSize(plan);
  let step = from.step;
  let cached: { epoch: number; order: Int32Array } | undefined;
  const at = (k: number): Int32Array => {
    const epoch = Math.floor(k / perEpoch);
    if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(epoch, plan, rng) };
    return sliceBatch(cached.order, k % perEpoch, size);
  };
  return {
    next: () => at(step++),
    at,
    state: () => ({ step }),
    epochStepCount: perEpoch,
    batchSize: size,
  };
}
