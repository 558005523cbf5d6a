// Silences tfjs's one-time "install the node backend" banner in test output: tests pick
// their backend on purpose. (gclip itself reports the backend it runs on.)
import { tf } from '../src/runtime/tf.js';

tf.env().set('IS_TEST', true);
