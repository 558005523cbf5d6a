// A stand-in for dist/sweep/worker.js that speaks the same protocol without tfjs: it
// answers each task with a synthetic result, dies (exit 7) on a task with maxNorm 1, and
// hangs (never answers) on a task with maxNorm 3.
process.on('message', (m) => {
  if (m.type === 'init') return process.send({ type: 'ready', backend: 'fake' });
  if (m.config.clip.maxNorm === 1) {
    process.stderr.write('fake worker: simulated crash\n');
    process.exit(7);
  }
  if (m.config.clip.maxNorm === 3) return;
  process.send({
    type: 'result',
    id: m.id,
    result: {
      pointId: m.pointId, seed: m.seed, status: 'ok', stable: true, steps: 10, finalLoss: 0.5, bestLoss: 0.4, lossAuc: 0.6,
      clipRate: 0, spikes: 0, skipped: 0, firstBadStep: null, norms: null, reason: null, wallMs: 1,
    },
  });
});
