/**
 * Checker of the `stableadamw_sequence` kind: tfjs's Adam with the case's hyperparameters,
 * update clipping (`clipUpdates`) and the training step's update (`createStepUpdate`), driven
 * over the case's gradients. Per step it checks each tensor's update RMS and learning rate
 * and the parameters after the step, with the float32 tolerance.
 */
import { tf, type Variable } from '../runtime/tf.js';
import { clipUpdates, updateLrFactor, updateRmsKey } from '../clip/update-clip.js';
import { createClipContext } from '../clip/context.js';
import { createStepUpdate } from '../train/update-clip.js';
import { compareF32, type Failures } from './compare.js';
import { num, toTensorList, type GoldenCase } from './format.js';
import { compareTensorList, scalarValue } from './tensors.js';

let created = 0;

/** `stableadamw_sequence`: per step, rms and lr per tensor, then the parameters after the update. */
export function checkStableAdamWSequence(c: GoldenCase, fails: Failures): void {
  const p = c.params;
  if (num(p.weight_decay ?? 0) !== 0) throw new Error(`unsupported stableadamw weight_decay ${String(p.weight_decay)} (tfjs's Adam has none)`);
  const [beta1, beta2] = (p.betas as unknown[]).map(num);
  const maxRms = num(p.clip_thresh ?? 1);
  const lr = num(p.lr);
  const optimizer = tf.train.adam(lr, beta1, beta2, num(p.eps));
  const strategy = clipUpdates({ maxRms });
  const vars: Variable[] = toTensorList(c.inputs.params).map((t) => tf.variable(t!, true, `golden-stableadamw-${created++}`));
  const e = c.expected as Record<string, unknown[]>;
  try {
    const update = createStepUpdate(optimizer, vars, strategy);
    (c.inputs.grads as unknown[]).forEach((stepGrads, s) => {
      tf.tidy(() => {
        const grads = toTensorList(stepGrads).filter((t) => t !== null);
        const ctx = { ...createClipContext(grads, { step: s, vars }), optimizer };
        const out = strategy.apply(grads, {}, ctx);
        const measured = Object.fromEntries(Object.entries(out.readback).map(([k, v]) => [k, scalarValue(v)]));
        const rms = vars.map((_, i) => measured[updateRmsKey(i)] ?? Number.NaN);
        compareF32(`rms[${s}]`, rms, (e.rms?.[s] ?? []) as unknown[], fails);
        compareF32(`lr[${s}]`, rms.map((r) => lr * updateLrFactor(r, maxRms)), (e.lr?.[s] ?? []) as unknown[], fails);
        update(out.grads, { preClipNorm: scalarValue(ctx.totalNorm), ...measured });
        compareTensorList(`params[${s}]`, vars, e.params?.[s], fails);
      });
    });
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
  }
}
