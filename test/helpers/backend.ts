/** Backend setup shared by test files. */
import { afterAll, beforeAll } from 'vitest';
import { initBackend } from '../../src/runtime/backend.js';
import { tf } from '../../src/runtime/tf.js';

/** Activates the wasm backend (with gclip's kernels) before this file's tests and restores cpu after them. */
export function useWasmBackend(): void {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}
