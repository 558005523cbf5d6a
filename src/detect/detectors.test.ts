import { describe, expect, it } from 'vitest';
import { createDivergenceDetector, createNonfiniteDetector, createSpikeDetector } from './index.js';
import type { StepObservation } from './types.js';
import type { RunEvent } from '../record.js';

function obs(step: number, fields: { loss?: number; norm?: number; layers?: Record<string, number>; weightsFinite?: boolean }): StepObservation {
  const norm = fields.norm ?? 1;
  return {
    weightsFinite: fields.weightsFinite ?? true,
    record: {
      step, loss: fields.loss ?? 1, preClipNorm: norm, postClipNorm: norm, clipCoef: 1, clipped: false,
      threshold: null, layerNorms: fields.layers ?? { a: norm }, layerNormsPost: {}, lr: 0.1, valLoss: null, wallMs: 0,
    },
  };
}

describe('nonfinite detector', () => {
  it('reports which quantities are non-finite and the first non-finite layer', () => {
    const d = createNonfiniteDetector();
    let s = d.init();
    ({ state: s } = d.observe(obs(0, { layers: { a: 1, b: 1 } }), s));
    const { events } = d.observe(obs(1, { loss: NaN, norm: Infinity, layers: { a: 2, b: Infinity }, weightsFinite: false }), s);
    expect(events).toEqual([{ kind: 'nonfinite', step: 1, what: ['loss', 'grad_norm', 'weights'], layer: 'b' }]);
  });

  it('names the layer whose norm rose most when all are finite', () => {
    const d = createNonfiniteDetector();
    let s = d.init();
    ({ state: s } = d.observe(obs(0, { layers: { a: 1, b: 10 } }), s));
    // a: 5/1 = 5x, b: 20/10 = 2x, so a jumped most.
    const { events } = d.observe(obs(1, { loss: NaN, layers: { a: 5, b: 20 } }), s);
    expect(events[0]).toMatchObject({ layer: 'a', what: ['loss'] });
  });

  it('stays silent on finite steps', () => {
    const d = createNonfiniteDetector();
    expect(d.observe(obs(0, {}), d.init()).events).toEqual([]);
  });
});

describe('spike detector', () => {
  const options = { window: 10, warmup: 5, zThreshold: 6, minRatio: 3 };

  it('walks warm-up, quiet steps, a spike, and a non-finite norm, state checked each step', () => {
    const d = createSpikeDetector(options);
    let s = d.init();
    const norms = [1, 1.1, 0.9, 1.05, 0.95, 1.02, 50, NaN, 1];
    const fired: number[] = [];
    norms.forEach((norm, step) => {
      const r = d.observe(obs(step, { norm }), s);
      s = r.state;
      if (r.events.length) fired.push(step);
      // Non-finite norms never enter the window.
      expect(s.window.every(Number.isFinite)).toBe(true);
      expect(s.window.length).toBe(Math.min(norms.slice(0, step + 1).filter(Number.isFinite).length, 10));
    });
    expect(fired).toEqual([6]);
  });

  it('does not fire during warm-up even for a huge norm', () => {
    const d = createSpikeDetector(options);
    let s = d.init();
    for (const [step, norm] of [1, 1, 1000].entries()) {
      const r = d.observe(obs(step, { norm }), s);
      expect(r.events).toEqual([]);
      s = r.state;
    }
  });

  it('needs the ratio guard: a flat history does not flag a 10% rise', () => {
    const d = createSpikeDetector(options);
    let s = d.init();
    for (let step = 0; step < 8; step++) s = d.observe(obs(step, { norm: 1 }), s).state;
    expect(d.observe(obs(8, { norm: 1.1 }), s).events).toEqual([]);
    expect(d.observe(obs(8, { norm: 3.5 }), s).events).toHaveLength(1);
  });
});

describe('divergence detector', () => {
  it('fires once after `patience` consecutive steps above factor × best', () => {
    const d = createDivergenceDetector({ factor: 10, warmup: 2, patience: 2 });
    let s = d.init();
    const losses = [5, 1, 2, 20, 30, 40, 0.5];
    const fired: number[] = [];
    const events: RunEvent[] = [];
    losses.forEach((loss, step) => {
      const r = d.observe(obs(step, { loss }), s);
      s = r.state;
      events.push(...r.events);
      if (r.events.length) fired.push(step);
    });
    // best = 1 from step 1; 20 and 30 exceed 10×1 and the first loss 5: streak hits 2 at step 4.
    expect(fired).toEqual([4]);
    expect(events[0]).toMatchObject({ step: 4, since: 3, loss: 30, bestLoss: 1, layer: 'a' });
    expect(s).toMatchObject({ firstLoss: 5, bestLoss: 0.5, streak: 0, seen: 7, streakLayer: null });
  });

  it('dates the streak at its first record, also where the steps are not consecutive (an HF log every 10 steps)', () => {
    const d = createDivergenceDetector({ factor: 10, warmup: 0, patience: 5 });
    let s = d.init();
    const events: RunEvent[] = [];
    [0.6, 0.62, 30, 58, 87, 120, 148].forEach((loss, i) => {
      const r = d.observe(obs(740 + 10 * i, { loss }), s);
      s = r.state;
      events.push(...r.events);
    });
    expect(events).toMatchObject([{ kind: 'divergence', step: 800, since: 760 }]);
  });

  it('ignores non-finite losses', () => {
    const d = createDivergenceDetector({ factor: 2, warmup: 0, patience: 1 });
    const s = d.observe(obs(0, { loss: 1 }), d.init()).state;
    expect(d.observe(obs(1, { loss: NaN }), s)).toEqual({ state: s, events: [] });
  });
});
