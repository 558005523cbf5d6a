// Silences tfjs's one-time "install the node backend" banner in test output: tests pick
// their backend on purpose, as gclip's initBackend does (prod mode; not IS_TEST, which
// turns on tfjs's per-kernel leak checks that misfire on the wasm backend's fused matmul).
import { tf } from '../src/runtime/tf.js';

tf.enableProdMode();
