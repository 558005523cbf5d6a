/**
 * Time to the first training step, measured in a fresh process (`node
 * dist/bench/first-step.js <backend>`): milliseconds since the process started (Node's
 * `performance.now()` origin) at each milestone, tfjs imported lazily inside the timed
 * path exactly as `gclip train` does. Prints one JSON line.
 */
const backend = (process.argv[2] ?? 'wasm') as 'wasm' | 'cpu' | 'node';
const t = { start: performance.now() } as Record<string, number>;
const { initBackend } = await import('../runtime/backend.js');
const { train } = await import('../train/run.js');
const { benchCase, benchConfig } = await import('./cases.js');
t.importMs = performance.now();
await initBackend(backend);
t.backendMs = performance.now();
let firstStepMs = NaN;
const sink = {
  name: 'first-step',
  open: async () => {},
  write: async () => void (Number.isNaN(firstStepMs) && (firstStepMs = performance.now())),
  close: async () => {},
};
await train(benchConfig(benchCase('mlp'), 1, backend), { backend, sinks: [sink] });
process.stdout.write(JSON.stringify({ ...t, firstStepMs }) + '\n');
