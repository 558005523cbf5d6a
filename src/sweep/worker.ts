/**
 * Entry of a sweep worker process (forked by runner.ts from dist/sweep/worker.js):
 * activates the backend once, then trains each task it is sent and replies with its
 * SeedResult. A task that throws is a `crashed` result; the worker lives on.
 */
import { initBackend } from '../runtime/backend.js';
import { train } from '../train/run.js';
import { plannedSteps } from '../train/setup.js';
import { createTraceSink, crashedResult, scoreRun } from './metrics.js';
import type { FromWorker, ToWorker } from './protocol.js';

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

// When the parent dies (killed sweep), stop the current run after its step; with the IPC
// channel closed nothing else keeps this process alive, so it ends by itself.
const orphaned = new AbortController();
process.on('disconnect', () => orphaned.abort());

let backend = 'cpu';

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    try {
      backend = (await initBackend(message.backend)).name;
      send({ type: 'ready', backend });
    } catch (e) {
      send({ type: 'init_error', message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  const started = performance.now();
  const task = { pointId: message.pointId, seed: message.seed, plannedSteps: plannedSteps(message.config) };
  try {
    const trace = createTraceSink();
    const summary = await train(message.config, { sinks: [trace], backend, signal: orphaned.signal });
    send({ type: 'result', id: message.id, result: scoreRun(task, trace, summary, performance.now() - started) });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    send({ type: 'result', id: message.id, result: crashedResult(task, reason, performance.now() - started) });
  }
}

// Messages are handled strictly in order: the runner sends the next task only after a result.
let queue = Promise.resolve();
process.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message));
});
