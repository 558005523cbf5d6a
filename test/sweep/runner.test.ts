import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../src/config/schema.js';
import { buildSweepPlan, planTasks } from '../../src/sweep/grid.js';
import type { SeedResult } from '../../src/sweep/metrics.js';
import { runTasks } from '../../src/sweep/runner.js';

const fakeWorker = fileURLToPath(new URL('./helpers/fake-worker.mjs', import.meta.url));

describe('runner', () => {
  it('reports a task whose worker died as crashed and finishes the others on a new worker', async () => {
    const tasks = planTasks(buildSweepPlan(runConfigSchema.parse({}), { thresholds: [0.5, 1, 2], seeds: 2 }));
    const results: SeedResult[] = [];
    let started = 0;
    await runTasks(tasks, { jobs: 2, backend: 'cpu', workerPath: fakeWorker, onStart: () => started++, onResult: (_t, r) => void results.push(r) });
    expect(started).toBe(8);
    expect(results).toHaveLength(8);
    const crashed = results.filter((r) => r.status === 'crashed');
    expect(crashed.map((r) => r.pointId)).toEqual(['norm@1', 'norm@1']);
    expect(crashed[0]!.reason).toMatch(/worker process exited \(code 7\): fake worker: simulated crash/);
    expect(results.filter((r) => r.stable)).toHaveLength(6);
  });

  it('kills a run past the point timeout, reports it as timeout and goes on with a new worker', async () => {
    const tasks = planTasks(buildSweepPlan(runConfigSchema.parse({}), { thresholds: [0.5, 3], seeds: 2 }));
    const results: SeedResult[] = [];
    await runTasks(tasks, { jobs: 2, backend: 'cpu', workerPath: fakeWorker, timeoutMs: 300, onResult: (_t, r) => void results.push(r) });
    expect(results).toHaveLength(6);
    const timedOut = results.filter((r) => r.status === 'timeout');
    expect(timedOut.map((r) => `${r.pointId}#${r.seed}`).sort()).toEqual(['norm@3#42', 'norm@3#43']);
    expect(timedOut[0]).toMatchObject({ stable: false, finalLoss: NaN });
    expect(timedOut[0]!.reason).toMatch(/killed after the point timeout of 0\.3 s/);
    expect(results.filter((r) => r.stable)).toHaveLength(4);
  });

  it('stops dispatching when aborted', async () => {
    const tasks = planTasks(buildSweepPlan(runConfigSchema.parse({}), { thresholds: [0.5, 2], seeds: 3 }));
    const controller = new AbortController();
    const results: SeedResult[] = [];
    await runTasks(tasks, {
      jobs: 1, backend: 'cpu', workerPath: fakeWorker, signal: controller.signal,
      onResult: (_t, r) => {
        results.push(r);
        if (results.length === 2) controller.abort();
      },
    });
    expect(results.length).toBeLessThan(tasks.length);
  });
});
