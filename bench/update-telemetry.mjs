#!/usr/bin/env node
// The per-step cost of the update telemetry (issue #20): gclip's loop on the bench models
// (src/bench/cases.ts: batch 64, Adam 1e-3, global-norm clip at 1) with the telemetry on
// and off (`LoopOptions.updateTelemetry`), in one process, runs of the two sides
// interleaved (on, off, off, on, …) so both see the same machine load. A step's time is
// the time between two consecutive sink writes (everything: batch, forward/backward,
// norms, clip, update, readback, detectors), wall and process CPU; the first 5 steps of
// each run are dropped. Prints the medians over all steps per side and the cost on/off − 1.
//   npm run build && node bench/update-telemetry.mjs [models=mlp,rnn,lstm,gru,cnn] [rounds=6] [backend=wasm]
import { initBackend } from '../dist/runtime/backend.js';
import { benchCase, benchConfig } from '../dist/bench/cases.js';
import { createStrategy } from '../dist/clip/registry.js';
import { buildPlan } from '../dist/train/setup.js';
import { runLoop } from '../dist/train/loop.js';

const [modelsArg = 'mlp,rnn,lstm,gru,cnn', roundsArg = '6', backend = 'wasm'] = process.argv.slice(2);
const STEPS = { mlp: 200, cnn: 100, rnn: 60, lstm: 30, gru: 30 };
const WARMUP = 5;
await initBackend(backend);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function timedRun(model, telemetry) {
  const config = benchConfig(benchCase(model), STEPS[model], backend);
  const plan = buildPlan(config);
  const wall = [], cpu = [];
  let lastWall = 0, lastCpu = 0, seen = 0;
  const sink = {
    name: 'timer', open: async () => {}, close: async () => {},
    write: async () => {
      const w = performance.now(), c = process.cpuUsage().user + process.cpuUsage().system;
      if (seen++ > WARMUP) { wall.push(w - lastWall); cpu.push((c - lastCpu) / 1000); }
      lastWall = w; lastCpu = c;
    },
  };
  try {
    await runLoop({ plan, strategy: createStrategy(config.clip), normType: 2, detect: config.detect, evalEvery: 0, sinks: [sink], backend, runDir: null, now: () => performance.now(), updateTelemetry: telemetry });
  } finally {
    plan.dispose();
  }
  return { wall, cpu };
}

console.log(`| model (${backend}) | steps/side | wall ms off | wall ms on | wall cost | cpu ms off | cpu ms on | cpu cost |`);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const model of modelsArg.split(',')) {
  const sides = { on: { wall: [], cpu: [] }, off: { wall: [], cpu: [] } };
  await timedRun(model, true);
  for (let r = 0; r < Number(roundsArg); r++) {
    for (const side of r % 2 ? ['off', 'on'] : ['on', 'off']) {
      const t = await timedRun(model, side === 'on');
      sides[side].wall.push(...t.wall);
      sides[side].cpu.push(...t.cpu);
    }
  }
  const f = (x) => x.toFixed(3);
  const [wOff, wOn, cOff, cOn] = [median(sides.off.wall), median(sides.on.wall), median(sides.off.cpu), median(sides.on.cpu)];
  const pct = (a, b) => `${((a / b - 1) * 100).toFixed(1)}%`;
  console.log(`| ${model} | ${sides.on.wall.length} | ${f(wOff)} | ${f(wOn)} | ${pct(wOn, wOff)} | ${f(cOff)} | ${f(cOn)} | ${pct(cOn, cOff)} |`);
}
