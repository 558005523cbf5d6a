/**
 * Whether tfjs-node loads here, for the test files that run gclip on it
 * (test/node-backend/). Loading it activates the node backend in this process. Where it
 * does not load, those files skip, with the loader's reason and the fix in every test name.
 */
import { tryBackend } from '../../src/runtime/backend.js';

// libtensorflow's INFO banners (CPU features) would fill the test output.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
const attempt = await tryBackend('node');

/** True when `@tensorflow/tfjs-node` loaded and is the active backend. */
export const nodeLoads = attempt.loaded;

/** The test name, or the skip reason in front of it so the reporter shows why. */
export function nodeTitle(name: string): string {
  if (nodeLoads) return name;
  return `SKIPPED: tfjs-node does not load here (${attempt.error}); run bash scripts/tfjs-node-from-wheel.sh: ${name}`;
}
