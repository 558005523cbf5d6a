/**
 * Shared helpers of the model/data tests: configs, in-memory files, a few manual training
 * steps, and the rendered text of an error.
 */
import { Chalk } from 'chalk';
import { renderError } from '../../src/cli/render/errors.js';
import { runConfigSchema, type RunConfig } from '../../src/config/schema.js';
import type { LoadedPlan } from '../../src/train/setup.js';
import { tf, type Tensor } from '../../src/runtime/tf.js';

/** Parses a run config input with defaults. */
export const config = (input: unknown): RunConfig => runConfigSchema.parse(input);

/** Rendered as the CLI would, without colour. */
export const rendered = (e: unknown): string => renderError(e, { color: new Chalk({ level: 0 }), debug: false });

/** Runs `steps` plain optimizer steps on the plan (no clipping); returns losses and tensor counts. */
export async function stepPlan(plan: LoadedPlan, steps: number): Promise<{ losses: number[]; counts: number[] }> {
  const losses: number[] = [];
  const counts: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = tf.tidy(() => {
      const { xs, ys } = plan.batch(s);
      const { value, grads } = tf.variableGrads(() => plan.loss(ys, plan.model.apply(xs, { training: true }) as Tensor), [...plan.vars]);
      plan.optimizer.applyGradients(grads);
      return value;
    });
    losses.push((await loss.data())[0]!);
    loss.dispose();
    counts.push(tf.memory().numTensors);
  }
  return { losses, counts };
}

export const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
